package dev.labfleet.support.security;

import dev.labfleet.common.security.Roles;
import dev.labfleet.common.security.DevIssuer;

import org.eclipse.microprofile.config.ConfigProvider;

/**
 * {@code labfleet.security.enabled}: true by default (prod, dev, {@code ./labfleet up}); the {@code %test} profile turns
 * it off so that a service's functional tests call routes without tokens, and the security tests turn it back on
 * with a test profile. Off, every request runs as {@link OpenAccessMechanism}'s caller, who holds every role.
 */
public final class SecuritySwitch {

    private SecuritySwitch() {
    }

    public static boolean enabled() {
        return ConfigProvider.getConfig().getOptionalValue("labfleet.security.enabled", Boolean.class).orElse(true);
    }
}
