package io.berth.deploy;

import io.berth.broker.BrokerVerticle;
import io.berth.common.config.Env;
import io.berth.common.config.ServiceName;
import io.berth.common.runtime.BerthVerticle;
import io.berth.common.runtime.ServiceContext;
import io.berth.inventory.InventorySettings;
import io.berth.inventory.InventoryVerticle;
import io.berth.session.SessionSettings;
import io.berth.session.SessionVerticle;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Berth's three services as the launcher runs them, in start order: inventory (owner of the configuration),
 * session, then broker (which answers connects from what the other two publish).
 */
public final class BerthServices {

    private BerthServices() {
    }

    public static LocalStack.Services all() {
        return BerthServices::factories;
    }

    private static Map<ServiceName, Function<ServiceContext, ? extends BerthVerticle>> factories(Env env) {
        SessionSettings sessionSettings = SessionSettings.load(env);
        Map<ServiceName, Function<ServiceContext, ? extends BerthVerticle>> factories = new LinkedHashMap<>();
        factories.put(ServiceName.INVENTORY, InventoryVerticle.factory(InventorySettings.load(env)));
        factories.put(ServiceName.SESSION, context -> new SessionVerticle(context, sessionSettings));
        factories.put(ServiceName.BROKER, BrokerVerticle.factory(env));
        return factories;
    }
}
