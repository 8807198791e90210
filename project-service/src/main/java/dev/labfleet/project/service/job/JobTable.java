package dev.labfleet.project.service.job;

/**
 * A table of durable jobs that {@link JobRunner} can claim, renew and release. The table needs the columns
 * {@code id uuid}, {@code status}, {@code owner} (the replica holding the job, null when none),
 * {@code lease_until} (when the holder's lease ends), {@code attempts} (how many times a replica took it) and
 * {@code created_at} (claims go oldest first); a job is claimable while its status is {@code runningStatus} and its
 * lease has run out. The statements are built once from these constants, never from input.
 *
 * @param table         the table's name
 * @param runningStatus the status value of a job that still has work to do
 */
public record JobTable(String table, String runningStatus) {

    String claimSql() {
        return "update " + table + " set owner = $1, lease_until = now() + make_interval(secs => $2), "
                + "heartbeat_at = now(), attempts = attempts + 1 where id in (select id from " + table
                + " where status = '" + runningStatus + "' and (lease_until is null or lease_until < now()) "
                + "order by created_at limit $3 for update skip locked) returning id, attempts";
    }

    /**
     * Renews the lease; answers one row: {@code renewed} (1 when it was this owner's running job) and {@code running}
     * (whether the job still has work to do, whoever holds it): a job that ended meanwhile was not taken.
     */
    String renewSql() {
        return "with renewed as (update " + table + " set lease_until = now() + make_interval(secs => $3), "
                + "heartbeat_at = now() where id = $1 and owner = $2 and status = '" + runningStatus
                + "' returning id) select (select count(*) from renewed) as renewed, exists (select 1 from " + table
                + " where id = $1 and status = '" + runningStatus + "') as running";
    }

    String releaseSql() {
        return "update " + table + " set owner = null, lease_until = now() where id = $1 and owner = $2 and status = '"
                + runningStatus + "'";
    }
}
