package io.berth.common.testing;

import io.berth.common.http.ApiContract;
import io.berth.common.http.ApiRouter;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApiContractCoverageTest {

    private static Vertx vertx;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private static void ok(RoutingContext ctx) {
        ctx.end();
    }

    /** A router like a service's: a filter on the prefix, templated routes, and a management route outside it. */
    private static Router poolsRouter() {
        Router router = Router.router(vertx);
        router.route("/api/v1/*").handler(RoutingContext::next);
        router.get("/api/v1/hostpools").handler(ApiContractCoverageTest::ok);
        router.get("/api/v1/hostpools/:poolId").handler(ApiContractCoverageTest::ok);
        router.put("/api/v1/hostpools/:poolId").handler(ApiContractCoverageTest::ok);
        router.get("/health/ready").handler(ApiContractCoverageTest::ok);
        return router;
    }

    private static JsonObject poolsDocument() {
        return new JsonObject().put("openapi", "3.1.0").put("paths", new JsonObject()
                .put("/api/v1/hostpools", new JsonObject().put("get", operation("listPools")))
                .put("/api/v1/hostpools/{poolId}", new JsonObject()
                        .put("parameters", new JsonObject())
                        .put("get", operation("getPool"))
                        .put("put", operation("putPool"))));
    }

    private static JsonObject operation(String id) {
        return new JsonObject().put("operationId", id);
    }

    @Test
    void a_router_and_a_document_that_agree_pass() {
        // given a router and a document with the same operations (templates written each their own way)
        Router router = poolsRouter();
        JsonObject document = poolsDocument();

        // when / then
        ApiContractCoverage.assertCovers(router, document, "/api/v1");
        assertThat(ApiContractCoverage.mounted(router, "/api/v1")).containsExactly(
                "GET /api/v1/hostpools", "GET /api/v1/hostpools/{poolId}", "PUT /api/v1/hostpools/{poolId}");
    }

    @Test
    void a_mounted_route_missing_from_the_document_fails_naming_it() {
        // given a route the document does not describe
        Router router = poolsRouter();
        router.delete("/api/v1/hostpools/:poolId").handler(ApiContractCoverageTest::ok);

        // when / then
        assertThatThrownBy(() -> ApiContractCoverage.assertCovers(router, poolsDocument(), "/api/v1"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("not in the OpenAPI document")
                .hasMessageContaining("DELETE /api/v1/hostpools/{poolId}");
    }

    @Test
    void a_documented_operation_no_route_serves_fails_naming_it() {
        // given a document with an operation the router does not mount
        JsonObject document = poolsDocument();
        document.getJsonObject("paths").put("/api/v1/hosts/{hostId}",
                new JsonObject().put("patch", operation("patchHost")));

        // when / then
        assertThatThrownBy(() -> ApiContractCoverage.assertCovers(poolsRouter(), document, "/api/v1"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("that no route serves")
                .hasMessageContaining("PATCH /api/v1/hosts/{hostId}");
    }

    @Test
    void path_parameters_must_have_the_same_name_on_both_sides() {
        // given a route whose parameter is named differently from the document's
        Router router = Router.router(vertx);
        router.get("/api/v1/hostpools").handler(ApiContractCoverageTest::ok);
        router.get("/api/v1/hostpools/:id").handler(ApiContractCoverageTest::ok);
        router.put("/api/v1/hostpools/:poolId").handler(ApiContractCoverageTest::ok);

        // when / then
        assertThatThrownBy(() -> ApiContractCoverage.assertCovers(router, poolsDocument(), "/api/v1"))
                .hasMessageContaining("GET /api/v1/hostpools/{id}");
    }

    @Test
    void a_route_for_every_method_on_an_exact_path_counts_as_undocumented() {
        // given a route without a method on an exact path: it answers any method
        Router router = poolsRouter();
        router.route("/api/v1/ticket-key").handler(ApiContractCoverageTest::ok);

        // when / then
        assertThatThrownBy(() -> ApiContractCoverage.assertCovers(router, poolsDocument(), "/api/v1"))
                .hasMessageContaining("* /api/v1/ticket-key");
    }

    @Test
    void routes_of_a_sub_router_and_a_document_with_a_server_base_path_are_compared_in_full() {
        // given a sub-router mounted at /api/v1 and a document whose paths are relative to its server
        Router api = Router.router(vertx);
        api.get("/hostpools").handler(ApiContractCoverageTest::ok);
        Router router = Router.router(vertx);
        router.route("/api/v1/*").subRouter(api);
        JsonObject document = new JsonObject()
                .put("servers", new io.vertx.core.json.JsonArray().add(new JsonObject().put("url", "http://localhost/api/v1")))
                .put("paths", new JsonObject().put("/hostpools", new JsonObject().put("get", operation("listPools"))));

        // when / then
        ApiContractCoverage.assertCovers(router, document, "/api/v1");
        assertThat(ApiContractCoverage.documented(document, "/api/v1")).containsExactly("GET /api/v1/hostpools");
    }

    @Test
    void a_service_router_built_on_its_contract_is_checked_without_the_route_that_serves_the_document() {
        // given a contract loaded as a service loads it, and a router built on it with its operations
        ApiContract contract = ApiContract.load(vertx, "openapi/test-service.yaml");
        Router router = ApiRouter.create(vertx, Duration.ofSeconds(5), contract);
        router.get("/api/v1/things").handler(ApiContractCoverageTest::ok);
        router.put("/api/v1/things/:thingId").handler(ApiContractCoverageTest::ok);
        router.post("/api/v1/notes").handler(ApiContractCoverageTest::ok);

        // when / then: GET /api/v1/openapi.json, mounted by ApiRouter, is not an undocumented route
        ApiContractCoverage.assertCovers(router, contract, "/api/v1");

        // and a documented operation left unmounted is still found
        Router partial = ApiRouter.create(vertx, Duration.ofSeconds(5), contract);
        partial.get("/api/v1/things").handler(ApiContractCoverageTest::ok);
        assertThatThrownBy(() -> ApiContractCoverage.assertCovers(partial, contract, "/api/v1"))
                .hasMessageContaining("PUT /api/v1/things/{thingId}");
    }
}
