package io.berth.common.events;

/** What an application group publishes: a full desktop or RemoteApps. */
public enum AppGroupType { DESKTOP, REMOTE_APP }
