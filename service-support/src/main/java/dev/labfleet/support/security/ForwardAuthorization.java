package dev.labfleet.support.security;

import dev.labfleet.common.security.Roles;
import dev.labfleet.common.security.DevIssuer;


import org.jboss.resteasy.reactive.client.spi.ResteasyReactiveClientRequestContext;
import org.jboss.resteasy.reactive.client.spi.ResteasyReactiveClientRequestFilter;

/**
 * A REST client to another Labfleet service registers this ({@code @RegisterProvider(ForwardAuthorization.class)}) to
 * send {@link ServiceAuth}'s {@code Authorization} unless the call sets its own: the caller's token while serving a
 * request, the service account's otherwise. It is not global on purpose: a client to anything outside the suite
 * (webhooks, GNS3) must never carry a Labfleet token.
 */

public class ForwardAuthorization implements ResteasyReactiveClientRequestFilter {

    private final ServiceAuth auth;

    public ForwardAuthorization(ServiceAuth auth) {
        this.auth = auth;
    }

    @Override
    public void filter(ResteasyReactiveClientRequestContext context) {
        if (context.getHeaders().containsKey(ServiceAuth.HEADER)) {
            return;
        }
        String caller = ServiceAuth.callerAuthorization();
        if (caller != null) {
            context.getHeaders().putSingle(ServiceAuth.HEADER, caller);
            return;
        }
        context.suspend();
        auth.authorization().subscribe().with(header -> {
            if (header != null) {
                context.getHeaders().putSingle(ServiceAuth.HEADER, header);
            }
            context.resume();
        }, context::resume);
    }
}
