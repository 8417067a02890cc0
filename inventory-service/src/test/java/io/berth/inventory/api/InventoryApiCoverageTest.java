package io.berth.inventory.api;

import io.berth.common.auth.JwtAuthentication;
import io.berth.common.config.AuthConfig;
import io.berth.common.http.ApiContract;
import io.berth.common.http.ApiRouter;
import io.berth.common.testing.ApiContractCoverage;
import io.berth.inventory.domain.Inventory;
import io.berth.inventory.domain.InventoryOutcome;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/** Every route the inventory mounts under /api/v1 is in its OpenAPI document, and every operation there is mounted. */
class InventoryApiCoverageTest {

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void closeVertx() {
        vertx.close().await();
    }

    /** Writes that are never made: the coverage check only reads the router's routes. */
    private static final InventoryWrites NO_WRITES = new InventoryWrites() {
        @Override
        public <T> Future<InventoryOutcome<T>> exclusive(Supplier<InventoryOutcome<T>> decide) {
            return Future.failedFuture("not in this test");
        }

        @Override
        public <T> Future<InventoryOutcome<T>> perHost(String hostId, Supplier<InventoryOutcome<T>> decide) {
            return Future.failedFuture("not in this test");
        }
    };

    private static final InventoryApi.Counters NO_COUNTERS = new InventoryApi.Counters() {
        @Override
        public void registration(boolean accepted) {
        }

        @Override
        public void heartbeatAccepted() {
        }
    };

    @Test
    void theRouterAndTheDocumentDescribeTheSameApi() {
        // given the inventory's API mounted on the router every service builds on
        ApiContract contract = ApiContract.load(vertx, InventoryApi.CONTRACT);
        Router router = ApiRouter.create(vertx, Duration.ofSeconds(10), contract);
        new InventoryApi(new Inventory(), NO_WRITES, new JwtAuthentication(vertx, AuthConfig.ofSecret("s".repeat(32))),
                Optional.empty(), NO_COUNTERS, Clock.systemUTC()).mount(router, ctx -> ctx.next());

        // then
        ApiContractCoverage.assertCovers(router, contract, "/api/v1");
    }
}
