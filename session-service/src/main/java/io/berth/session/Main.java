package io.berth.session;

import io.berth.common.config.Env;
import io.berth.common.config.ServiceName;
import io.berth.common.runtime.ServiceMain;

/** Runs the session service alone in its process. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        SessionSettings settings;
        try {
            settings = SessionSettings.load(Env.system());
        } catch (RuntimeException e) {
            System.err.println(ServiceName.SESSION.id() + ": invalid configuration: " + e.getMessage());
            System.exit(1);
            return;
        }
        ServiceMain.run(ServiceName.SESSION, context -> new SessionVerticle(context, settings));
    }
}
