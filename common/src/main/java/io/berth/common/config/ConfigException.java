package io.berth.common.config;

/** A setting that is missing or invalid at start; the message names the {@code BERTH_*} variable. */
public final class ConfigException extends RuntimeException {

    public ConfigException(String message) {
        super(message);
    }
}
