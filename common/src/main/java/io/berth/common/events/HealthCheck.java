package io.berth.common.events;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One named health check an agent ran on its host; {@code detail} says why it failed. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HealthCheck(String name, boolean ok, String detail) {
}
