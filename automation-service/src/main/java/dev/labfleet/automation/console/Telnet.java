package dev.labfleet.automation.console;

import java.io.ByteArrayOutputStream;

/**
 * The little telnet (RFC 854/855) a console needs: data bytes are separated from commands, and option negotiation
 * is answered so the server stays in character mode. We accept the server's ECHO, SUPPRESS-GO-AHEAD and BINARY
 * (what GNS3's consoles offer: IAC WILL ECHO, WILL SGA, WILL BINARY, DO BINARY), agree to SGA and BINARY ourselves,
 * and refuse everything else (so no subnegotiation is ever started; one the server sends anyway is skipped). Each
 * option is answered once, which keeps two polite peers from looping.
 */
public final class Telnet {

    static final int IAC = 255;
    static final int DONT = 254;
    static final int DO = 253;
    static final int WONT = 252;
    static final int WILL = 251;
    static final int SB = 250;
    static final int SE = 240;
    static final int BINARY = 0;
    static final int ECHO = 1;
    static final int SGA = 3;

    private enum State { DATA, IAC, OPTION, SB, SB_IAC }

    private State state = State.DATA;
    private int command;
    private final boolean[] answeredWill = new boolean[256];
    private final boolean[] answeredDo = new boolean[256];

    /** What one chunk of received bytes holds: the data, and what to send back (may be empty). */
    public record Decoded(byte[] data, byte[] reply) {
    }

    public Decoded decode(byte[] bytes) {
        ByteArrayOutputStream data = new ByteArrayOutputStream(bytes.length);
        ByteArrayOutputStream reply = new ByteArrayOutputStream();
        for (byte raw : bytes) {
            int b = raw & 0xff;
            switch (state) {
                case DATA -> {
                    if (b == IAC) {
                        state = State.IAC;
                    } else {
                        data.write(b);
                    }
                }
                case IAC -> {
                    if (b == IAC) {
                        data.write(IAC);
                        state = State.DATA;
                    } else if (b == WILL || b == WONT || b == DO || b == DONT) {
                        command = b;
                        state = State.OPTION;
                    } else if (b == SB) {
                        state = State.SB;
                    } else {
                        state = State.DATA; // NOP, GA, AYT...: nothing to do
                    }
                }
                case OPTION -> {
                    answer(command, b, reply);
                    state = State.DATA;
                }
                case SB -> {
                    if (b == IAC) {
                        state = State.SB_IAC;
                    }
                }
                case SB_IAC -> state = b == SE ? State.DATA : State.SB;
            }
        }
        return new Decoded(data.toByteArray(), reply.toByteArray());
    }

    private void answer(int command, int option, ByteArrayOutputStream reply) {
        if (command == WILL) {
            if (!answeredWill[option]) {
                answeredWill[option] = true;
                boolean accept = option == ECHO || option == SGA || option == BINARY;
                reply.write(IAC);
                reply.write(accept ? DO : DONT);
                reply.write(option);
            }
        } else if (command == DO) {
            if (!answeredDo[option]) {
                answeredDo[option] = true;
                boolean accept = option == SGA || option == BINARY;
                reply.write(IAC);
                reply.write(accept ? WILL : WONT);
                reply.write(option);
            }
        }
        // WONT and DONT need no answer: we never insisted on anything
    }

    /** A line for the wire: any 0xFF byte doubled, as telnet wants. */
    public static byte[] escape(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + 2);
        for (byte b : bytes) {
            out.write(b);
            if ((b & 0xff) == IAC) {
                out.write(IAC);
            }
        }
        return out.toByteArray();
    }
}
