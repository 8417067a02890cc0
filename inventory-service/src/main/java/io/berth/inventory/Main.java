package io.berth.inventory;

import io.berth.common.config.Env;
import io.berth.common.config.ServiceName;
import io.berth.common.runtime.ServiceMain;

/** Runs one inventory-service instance in its process (configuration from {@code BERTH_*} variables). */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        InventorySettings settings;
        try {
            settings = InventorySettings.load(Env.system());
        } catch (RuntimeException e) {
            System.err.println(ServiceName.INVENTORY.id() + ": invalid configuration: " + e.getMessage());
            System.exit(1);
            return;
        }
        ServiceMain.run(ServiceName.INVENTORY, InventoryVerticle.factory(settings));
    }
}
