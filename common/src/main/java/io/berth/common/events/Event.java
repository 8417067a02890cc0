package io.berth.common.events;

/**
 * A versioned record carried on one of Berth's topics (DESIGN.md section 5). Every event carries
 * {@code v}, its schema version; readers ignore fields they do not know.
 */
public sealed interface Event permits HostPoolConfig, AppGroupConfig, HostRegistration, HostHealthEvent,
        AllocationEvent, SessionEvent, HostCommandEvent, ScalingPlanConfig, PoolScaling {

    /** The schema version every record written by this code carries. */
    int CURRENT_VERSION = 1;

    int v();
}
