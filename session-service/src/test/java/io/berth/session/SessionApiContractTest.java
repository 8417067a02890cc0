package io.berth.session;

import io.berth.common.auth.JwtAuthentication;
import io.berth.common.config.AuthConfig;
import io.berth.common.config.HttpConfig;
import io.berth.common.http.ApiContract;
import io.berth.common.http.ApiRouter;
import io.berth.common.testing.ApiContractCoverage;
import io.berth.common.testing.KafkaClusterExtension;
import io.berth.session.domain.SessionRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The session API's routes and its OpenAPI document describe the same operations, and the document is strict. */
class SessionApiContractTest {

    private static Vertx vertx;
    private static ApiContract contract;

    @BeforeAll
    static void loadTheDocument() {
        vertx = Vertx.vertx();
        contract = ApiContract.load(vertx, SessionApi.DOCUMENT);
    }

    @AfterAll
    static void stopVertx() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void everyMountedRouteIsDocumentedAndEveryDocumentedOperationIsMounted() {
        // given the router the service builds
        Router router = ApiRouter.create(vertx, HttpConfig.DEFAULT_REQUEST_DEADLINE, contract);
        new SessionApi(new SessionRegistry(Duration.ofHours(24)), null, Clock.systemUTC(), () -> true)
                .mount(router, new JwtAuthentication(vertx, AuthConfig.ofSecret(KafkaClusterExtension.TEST_JWT_SECRET)));

        // then
        ApiContractCoverage.assertCovers(router, contract, "/api/v1");
        assertThat(ApiContractCoverage.mounted(router, "/api/v1")).contains(
                "POST /api/v1/agent/sessions/{sessionId}/events", "GET /api/v1/sessions",
                "GET /api/v1/sessions/{sessionId}", "POST /api/v1/sessions/{sessionId}/logoff");
    }

    @Test
    void theReportBodyRefusesUnknownFieldsAndBoundsItsIds() {
        // when
        JsonObject report = contract.document().getJsonObject("components").getJsonObject("schemas")
                .getJsonObject("AgentReport");
        JsonObject id = contract.document().getJsonObject("components").getJsonObject("schemas")
                .getJsonObject("Id");

        // then
        assertThat(report.getBoolean("additionalProperties")).isFalse();
        assertThat(report.getJsonArray("required").getList()).containsExactlyInAnyOrder("type", "userId", "hostId");
        assertThat(id.getInteger("maxLength")).isEqualTo(256);
        assertThat(id.getString("pattern")).contains("\\u0000-\\u001f\\u007f");
    }

    @Test
    void theMessageRouteIsMountedAndDocumented() {
        // given the router the service builds
        Router router = ApiRouter.create(vertx, HttpConfig.DEFAULT_REQUEST_DEADLINE, contract);
        new SessionApi(new SessionRegistry(Duration.ofHours(24)), null, Clock.systemUTC(), () -> true)
                .mount(router, new JwtAuthentication(vertx, AuthConfig.ofSecret(KafkaClusterExtension.TEST_JWT_SECRET)));

        // then
        assertThat(ApiContractCoverage.mounted(router, "/api/v1")).contains("POST /api/v1/sessions/{sessionId}/message");
        assertThat(contract.document().getJsonObject("paths").fieldNames())
                .contains("/api/v1/sessions/{sessionId}/message");
    }

    @Test
    void theMessageBodyRefusesUnknownFieldsAndBoundsItsText() {
        // when
        JsonObject message = contract.document().getJsonObject("components").getJsonObject("schemas")
                .getJsonObject("Message");

        // then
        assertThat(message.getBoolean("additionalProperties")).isFalse();
        assertThat(message.getJsonArray("required").getList()).containsExactly("message");
        JsonObject text = message.getJsonObject("properties").getJsonObject("message");
        assertThat(text.getInteger("minLength")).isEqualTo(1);
        assertThat(text.getInteger("maxLength")).isEqualTo(1024);
    }

    @Test
    void everyOperationHasAnOperationId() {
        // when
        JsonObject paths = contract.document().getJsonObject("paths");

        // then (a loaded document also holds the schema resolver's bookkeeping strings, which are no operations)
        paths.forEach(path -> {
            if (path.getValue() instanceof JsonObject item) {
                item.forEach(entry -> {
                    if (entry.getValue() instanceof JsonObject operation) {
                        assertThat(operation.getString("operationId")).as("%s %s", entry.getKey(), path.getKey())
                                .isNotBlank();
                    }
                });
            }
        });
    }
}
