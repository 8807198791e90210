/**
 * What every service does to survive abusive clients and keep a record, before and after its own code runs:
 * token-bucket rate limits in Redis shared by all replicas ({@link dev.labfleet.support.guard.RateLimiter}),
 * fail2ban-style bans of addresses that keep failing authentication ({@link dev.labfleet.support.guard.BanStore}),
 * and an audit event on {@code lab.audit} for every mutating, denied or unauthenticated request
 * ({@link dev.labfleet.support.guard.AuditPublisher}). {@link dev.labfleet.support.guard.GuardRoutes} installs them
 * on the HTTP router; {@link dev.labfleet.support.guard.GuardSettings} documents every setting.
 */
package dev.labfleet.support.guard;
