package io.berth.deploy.demo;

import io.berth.common.config.KafkaConfig;
import io.berth.deploy.client.BerthApiClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A fleet of simulated session-host agents for the single-machine launcher, speaking only the real API:
 * as an operator it creates the demo pool ({@code POOLED}, {@code BREADTH_FIRST}) and a {@code DESKTOP}
 * application group for the demo users; as agents its hosts register, heartbeat with their sessions, and
 * log each user the broker places on them on shortly after the connect and off again a while later.
 *
 * <p>It learns of placements the way an agent on a real host would learn of an arriving user: by reading
 * {@code berth.allocations}; of a logoff or a message for a user from its heartbeat answers (DESIGN.md 7.2); and,
 * as the power controller of its simulated VMs, of {@code START} and {@code STOP} from {@code berth.host-commands}.
 */
public final class DemoFleet implements AutoCloseable {

    public static final String POOL_ID = "demo";
    public static final String APP_GROUP_ID = "demo-desktop";
    public static final String USER_GROUP = "demo-users";
    public static final List<String> USERS = List.of("alice", "bob", "carol", "dave", "erin");
    public static final String HOST_DOMAIN = ".demo.berth.local";

    /** The fleet's size and pace; {@code bootTime}: from a START to the host's first heartbeat. */
    public record Settings(int hosts, int maxSessionsPerHost, int heartbeatSeconds, Duration logonDelayMin,
                           Duration logonDelayMax, Duration sessionLengthMin, Duration sessionLengthMax,
                           Duration bootTime) {

        /** A fleet whose stopped hosts boot in {@link #DEFAULT_BOOT_TIME}. */
        public Settings(int hosts, int maxSessionsPerHost, int heartbeatSeconds, Duration logonDelayMin,
                        Duration logonDelayMax, Duration sessionLengthMin, Duration sessionLengthMax) {
            this(hosts, maxSessionsPerHost, heartbeatSeconds, logonDelayMin, logonDelayMax, sessionLengthMin,
                    sessionLengthMax, DEFAULT_BOOT_TIME);
        }

        /** The launcher's demo: users log on 1-3 s after connecting and stay 1-3 minutes. */
        public static Settings demo(int hosts) {
            return new Settings(hosts, 4, 10, Duration.ofSeconds(1), Duration.ofSeconds(3),
                    Duration.ofMinutes(1), Duration.ofMinutes(3));
        }
    }

    /** A simulated boot: long enough to see a host {@code starting} in the scaling status, short for a demo. */
    public static final Duration DEFAULT_BOOT_TIME = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(DemoFleet.class);

    private final Vertx vertx;
    private final String deploymentId;
    private final DemoAgents fleet;
    private volatile DemoScalingPlan scalingPlan;

    private DemoFleet(Vertx vertx, String deploymentId, DemoAgents fleet) {
        this.vertx = vertx;
        this.deploymentId = deploymentId;
        this.fleet = fleet;
    }

    /** Creates the pool and app group, registers the hosts and starts heartbeating; completes once all are registered. */
    public static Future<DemoFleet> start(Vertx vertx, BerthApiClient api, KafkaConfig kafka, String adminToken,
                                          Settings settings) {
        return start(vertx, api, kafka, adminToken, settings, null);
    }

    /**
     * As {@link #start(Vertx, BerthApiClient, KafkaConfig, String, Settings)}, keeping the agents' tokens in
     * {@code agentTokenFile} (may be null) as real agents keep theirs: after a restart the hosts register
     * again with them, since a registered host is taken only with its own agent token (DESIGN.md 7.8).
     */
    public static Future<DemoFleet> start(Vertx vertx, BerthApiClient api, KafkaConfig kafka, String adminToken,
                                          Settings settings, Path agentTokenFile) {
        DemoAgents fleet = new DemoAgents(api, kafka, adminToken, settings, agentTokenFile);
        return vertx.deployVerticle(fleet).map(id -> new DemoFleet(vertx, id, fleet));
    }

    /** Attaches {@code plan} to the demo pool as scaling plan {@link DemoScalingPlan#PLAN_ID}; answers the plan. */
    public Future<JsonObject> attach(DemoScalingPlan plan) {
        return fleet.attach(plan).onSuccess(p -> scalingPlan = plan);
    }

    /** The scaling plan {@link #attach} attached, if any. */
    public Optional<DemoScalingPlan> scalingPlan() {
        return Optional.ofNullable(scalingPlan);
    }

    public static String hostName(int index) {
        return String.format("demo-host-%02d%s", index, HOST_DOMAIN);
    }

    public int hosts() {
        return fleet.hostCount();
    }

    public long logons() {
        return fleet.logons();
    }

    public long logoffs() {
        return fleet.logoffs();
    }

    public long allocationsSeen() {
        return fleet.allocations();
    }

    /** MESSAGE commands the hosts received in their heartbeat answers (each once). */
    public long messages() {
        return fleet.agents().messages();
    }

    /** LOGOFF commands the hosts received in their heartbeat answers (each once). */
    public long logoffCommands() {
        return fleet.agents().logoffCommands();
    }

    /** Hosts shut down by a STOP, and booted again by a START. */
    public long stops() {
        return fleet.agents().stops();
    }

    public long starts() {
        return fleet.agents().starts();
    }

    /** Live sessions found on the demo hosts at start, left from before a restart. */
    public long sessionsTakenBack() {
        return fleet.takenBack();
    }

    @Override
    public void close() {
        try {
            vertx.undeploy(deploymentId).toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("The demo fleet did not stop cleanly", e);
        }
    }
}
