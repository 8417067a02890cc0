package io.berth.common.events;

/** Who gives a user their host in a personal pool: the broker on first connect, or an admin. */
public enum PersonalAssignment { AUTOMATIC, DIRECT }
