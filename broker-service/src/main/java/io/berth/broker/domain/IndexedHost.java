package io.berth.broker.domain;

/**
 * A host's place in its {@link PoolIndex}: the entry, a copy of its last heartbeat, and where the pooled or
 * personal side holds it. Mutable and unguarded: only the pool index that owns it changes it, under its lock.
 */
final class IndexedHost {

    HostEntry entry;
    /** A copy of the entry's last heartbeat: a pick checks freshness without touching the entry. */
    long lastHeartbeatMillis;
    /** The load bucket holding the host in {@link PooledHosts}, or -1 when it is not a pooled candidate. */
    int load = -1;
    /** Whether the host is among {@link PersonalHosts}' unassigned candidates. */
    boolean unassigned;
    /** Why an otherwise eligible host is out of the candidates ({@link Refusal#LOAD}, {@link Refusal#LOGON_CAP}). */
    Refusal excludedBy;
    /** Position inside its {@link HostBucket}. */
    int position = -1;

    IndexedHost(HostEntry entry) {
        this.entry = entry;
        this.lastHeartbeatMillis = entry.lastHeartbeatMillis();
    }
}
