package io.berth.common.config;

import java.nio.file.Path;

/** Everything one service needs at start, loaded from defaults and {@code BERTH_*} variables. */
public record ServiceConfig(ServiceName service, KafkaConfig kafka, HttpConfig http, AuthConfig auth,
                            ClusterConfig cluster, Path dataDir) {

    public static final String DATA_DIR = "BERTH_DATA_DIR";

    /** Loads the configuration of a service running alone in its process. */
    public static ServiceConfig load(ServiceName service, Env env) {
        return load(service, env, true);
    }

    /**
     * Loads a service's configuration; {@code allowGenericPort} is false when several services share a
     * process (the launcher), where only {@code BERTH_<SERVICE>_HTTP_PORT} applies.
     */
    public static ServiceConfig load(ServiceName service, Env env, boolean allowGenericPort) {
        Path dataDir = env.path(DATA_DIR, Path.of(".berth"));
        return new ServiceConfig(service, KafkaConfig.load(env), HttpConfig.load(env, service, allowGenericPort),
                AuthConfig.load(env, dataDir), ClusterConfig.load(env), dataDir);
    }

    public ServiceConfig withHttp(HttpConfig http) {
        return new ServiceConfig(service, kafka, http, auth, cluster, dataDir);
    }

    public ServiceConfig withKafka(KafkaConfig kafka) {
        return new ServiceConfig(service, kafka, http, auth, cluster, dataDir);
    }

    public ServiceConfig withCluster(ClusterConfig cluster) {
        return new ServiceConfig(service, kafka, http, auth, cluster, dataDir);
    }
}
