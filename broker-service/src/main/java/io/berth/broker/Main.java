package io.berth.broker;

import io.berth.common.config.ConfigException;
import io.berth.common.config.Env;
import io.berth.common.config.ServiceName;
import io.berth.common.runtime.ServiceMain;

/** Runs the broker-service alone in its process (settings from {@code BERTH_*} variables). */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        java.util.function.Function<io.berth.common.runtime.ServiceContext, io.berth.common.runtime.BerthVerticle> factory;
        try {
            factory = BrokerVerticle.factory(Env.system());
        } catch (ConfigException e) {
            System.err.println(ServiceName.BROKER.id() + ": invalid configuration: " + e.getMessage());
            System.exit(1);
            return;
        }
        ServiceMain.run(ServiceName.BROKER, factory);
    }
}
