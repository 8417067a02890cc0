package io.berth.broker;

import io.berth.common.http.ApiContract;
import io.berth.common.http.ApiRouter;
import io.berth.common.testing.ApiContractCoverage;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The broker's router and its OpenAPI document describe the same API. */
class BrokerApiContractTest {

    static Vertx vertx;
    static ApiContract contract;

    @BeforeAll
    static void loadTheDocument() {
        vertx = Vertx.vertx();
        contract = ApiContract.load(vertx, BrokerApi.DOCUMENT);
    }

    @AfterAll
    static void close() {
        vertx.close().await();
    }

    @Test
    void everyMountedRouteIsDocumentedAndEveryDocumentedOperationIsMounted() {
        // given the router the broker serves
        Router router = ApiRouter.create(vertx, Duration.ofSeconds(10), contract);
        Handler<RoutingContext> admitted = RoutingContext::next;
        new BrokerApi(null, null, 60, null, () -> 0, null).mount(router, admitted, admitted);

        // then it and the document agree
        assertThat(ApiContractCoverage.mounted(router, "/api/v1")).contains("POST /api/v1/connect",
                "GET /api/v1/users/{userId}/resources", "GET /api/v1/ticket-key");
        ApiContractCoverage.assertCovers(router, contract, "/api/v1");
    }

    @Test
    void everyRequestBodyRefusesFieldsItDoesNotDefine() {
        var schemas = contract.document().getJsonObject("components").getJsonObject("schemas");

        assertThat(schemas.getJsonObject("ConnectRequest").getValue("additionalProperties")).isEqualTo(false);
    }
}
