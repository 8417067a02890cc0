/**
 * Scaling plans as plain Java (DESIGN.md 7.3): which phase a plan is in ({@link
 * io.berth.inventory.domain.scaling.ScalingSchedule}), whether a plan may be stored ({@link
 * io.berth.inventory.domain.scaling.ScalingPlanRules}), what the scaler does to a pool at an instant ({@link
 * io.berth.inventory.domain.scaling.ScalingPolicy#decide}, pure: the caller passes the time and the scaler's memory
 * and carries the actions out) and the dry run that replays that same decision over simulated time ({@link
 * io.berth.inventory.domain.scaling.ScalingSimulation}). No Vert.x, Kafka or Infinispan here.
 * <p>
 * Choices the contract leaves open: a shut-down host an admin drained is not started (it would take no session);
 * a host the scaler stopped is undrained once it reports {@code SHUTDOWN}, so it takes sessions when started again;
 * a {@code STOP} is sent once; with no host available, any live session is over any capacity threshold.
 */
package io.berth.inventory.domain.scaling;
