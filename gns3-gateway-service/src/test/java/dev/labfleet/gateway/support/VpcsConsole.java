package dev.labfleet.gateway.support;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** A simulated VPCS console over telnet: one command per connection, its output read up to the next prompt. */
public final class VpcsConsole {

    private VpcsConsole() {
    }

    public static String run(int port, String line) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            InputStream in = socket.getInputStream();
            socket.setSoTimeout(300);
            try {
                while (in.read() >= 0) {
                    // the greeting (negotiation, banner, prompt), until the console is quiet
                }
            } catch (SocketTimeoutException quiet) {
                // greeting done
            }
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            StringBuilder text = new StringBuilder();
            while (!text.toString().endsWith("> ")) {
                int c = in.read();
                if (c < 0) {
                    break;
                }
                if (c != '\r') {
                    text.append((char) c);
                }
            }
            return text.toString();
        }
    }
}
