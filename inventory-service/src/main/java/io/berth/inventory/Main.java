package io.berth.inventory;

import io.berth.common.config.ServiceName;
import io.berth.common.runtime.ServiceMain;

/** Runs the inventory-service alone in its process (configuration from {@code BERTH_*} variables). */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        ServiceMain.run(ServiceName.INVENTORY, InventoryVerticle::new);
    }
}
