package dev.labfleet.automation.script;

import org.junit.jupiter.api.Test;

import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class DialectAndAssertionsTest {

    private static boolean prompt(Dialect d, String output) {
        return d.prompt().orElseThrow().matcher(output).find();
    }

    @Test
    void promptsMatchAtTheEndOfTheOutputOnly() {
        assertThat(prompt(Dialect.VPCS, "ip 10.0.0.1/24\nChecking for duplicate address...\n\nPC1> ")).isTrue();
        assertThat(prompt(Dialect.VPCS, "\n\nVPCS> ")).isTrue();
        assertThat(prompt(Dialect.VPCS, "PC1> ping 10.0.0.2\n84 bytes from 10.0.0.2")).isFalse();
        assertThat(prompt(Dialect.CISCO_IOS, "\nR1>")).isTrue();
        assertThat(prompt(Dialect.CISCO_IOS, "\nR1#")).isTrue();
        assertThat(prompt(Dialect.CISCO_IOS, "\nR1(config-if)#")).isTrue();
        assertThat(prompt(Dialect.CISCO_IOS, "Building configuration...\n")).isFalse();
        assertThat(prompt(Dialect.JUNIPER_JUNOS, "\nlab@vmx1> ")).isTrue();
        assertThat(prompt(Dialect.JUNIPER_JUNOS, "[edit]\nlab@vmx1# ")).isTrue();
        assertThat(prompt(Dialect.LINUX_SHELL, "\nroot@host:~# ")).isTrue();
        assertThat(prompt(Dialect.LINUX_SHELL, "\nuser@host:~$ ")).isTrue();
        assertThat(prompt(Dialect.LINUX_SHELL, "\nuser@host:~$ ls\n")).isFalse();
        assertThat(Dialect.PAGER.matcher(" --More-- ").find()).isTrue();
        assertThat(Dialect.PAGER.matcher("---(more 45%)---").find()).isTrue();
        assertThat(Dialect.of("cisco_ios")).contains(Dialect.CISCO_IOS);
        assertThat(Dialect.of("nxos")).isEmpty();
    }

    @Test
    void pingLossIsReadFromVpcsIosAndShellOutput() {
        assertThat(Assertions.pingLoss("84 bytes from 10.0.0.2 icmp_seq=1 ttl=64 time=0.4 ms\n"
                + "10.0.0.2 icmp_seq=2 timeout\n")).isEqualTo(50.0);
        assertThat(Assertions.pingLoss("Success rate is 80 percent (4/5), round-trip min/avg/max = 1/2/4 ms"))
                .isEqualTo(20.0);
        assertThat(Assertions.pingLoss("3 packets transmitted, 3 received, 0% packet loss, time 2003ms")).isEqualTo(0.0);
        assertThat(Assertions.pingLoss("Bad command")).isNull();
    }

    @Test
    void matchAndNotMatchSayWhatDecided() {
        AssertionSpec match = new AssertionSpec(null, "match", "IP/MASK\\s+: 10\\.0\\.0\\.\\d+/24", null, null, null, null);
        Assertions.Result ok = Assertions.check(match, "NAME : PC1[1]\nIP/MASK     : 10.0.0.1/24\n", 1);
        assertThat(ok.passed()).isTrue();
        assertThat(ok.evidence()).contains("10.0.0.1/24");
        AssertionSpec absent = new AssertionSpec("no errors", "notMatch", "(?i)error", null, null, null, null);
        Assertions.Result bad = Assertions.check(absent, "% Error: invalid input", 2);
        assertThat(bad.passed()).isFalse();
        assertThat(bad.evidence()).isEqualTo("found: Error");
        assertThat(bad.attempts()).isEqualTo(2);
        assertThat(Pattern.compile(match.pattern())).isNotNull();
    }
}
