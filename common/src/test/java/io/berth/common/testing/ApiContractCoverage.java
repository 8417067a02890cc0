package io.berth.common.testing;

import io.berth.common.http.ApiContract;
import io.berth.common.http.ApiRouter;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;

import java.net.URI;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks that a service's router and its OpenAPI document describe the same API: every route mounted under
 * a prefix is a documented operation, and every documented operation under it is mounted. Without it a
 * route added to the code but not the document would skip request validation, and a documented operation
 * nobody serves would promise clients an endpoint that answers 404.
 *
 * <p>Operations are compared as {@code "METHOD /path/{param}"}: Vert.x templates ({@code /:id}) are written
 * the OpenAPI way ({@code /{id}}), so parameter names must agree too. Routes without a method that match a
 * path prefix ({@code router.route("/api/v1/*")}) are filters, not operations, and are not counted; nor is
 * {@code GET} {@value ApiRouter#OPENAPI_PATH}, which {@link ApiRouter} serves for every service.
 */
public final class ApiContractCoverage {

    private static final Pattern VERTX_PARAMETER = Pattern.compile(":([A-Za-z0-9_]+)");
    private static final String DOCUMENT_ROUTE = "GET " + ApiRouter.OPENAPI_PATH;
    private static final Set<String> OPERATION_METHODS =
            Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

    private ApiContractCoverage() {
    }

    /** Fails, naming each operation found on one side only, unless router and contract agree under {@code prefix}. */
    public static void assertCovers(Router router, ApiContract contract, String prefix) {
        assertCovers(router, contract.document(), prefix);
    }

    /** As {@link #assertCovers(Router, ApiContract, String)}, for a document not loaded as a contract. */
    public static void assertCovers(Router router, JsonObject document, String prefix) {
        Set<String> mounted = mounted(router, prefix);
        Set<String> documented = documented(document, prefix);
        Set<String> undocumented = new TreeSet<>(mounted);
        undocumented.removeAll(documented);
        Set<String> unmounted = new TreeSet<>(documented);
        unmounted.removeAll(mounted);
        assertThat(undocumented).as("routes mounted under %s but not in the OpenAPI document", prefix).isEmpty();
        assertThat(unmounted).as("operations in the OpenAPI document under %s that no route serves", prefix).isEmpty();
    }

    /** The operations the router (and its sub-routers) serve under {@code prefix}, as {@code "GET /a/{id}"}. */
    public static Set<String> mounted(Router router, String prefix) {
        Set<String> operations = new TreeSet<>();
        collect(router, "", operations);
        operations.removeIf(operation -> !pathOf(operation).startsWith(prefix) || operation.equals(DOCUMENT_ROUTE));
        return operations;
    }

    /** The operations the document describes under {@code prefix}, with its server's base path in front. */
    public static Set<String> documented(JsonObject document, String prefix) {
        String basePath = basePath(document);
        JsonObject paths = document.getJsonObject("paths", new JsonObject());
        Set<String> operations = new TreeSet<>();
        for (String path : paths.fieldNames()) {
            // a loaded contract's paths carry the resolver's bookkeeping (strings) beside the path items
            if (!path.startsWith("/") || !(paths.getValue(path) instanceof JsonObject item)) {
                continue;
            }
            for (String method : item.fieldNames()) {
                if (OPERATION_METHODS.contains(method)) {
                    operations.add(method.toUpperCase(Locale.ROOT) + " " + basePath + path);
                }
            }
        }
        operations.removeIf(operation -> !pathOf(operation).startsWith(prefix) || operation.equals(DOCUMENT_ROUTE));
        return operations;
    }

    private static void collect(Router router, String mountPoint, Set<String> operations) {
        for (Route route : router.getRoutes()) {
            String path = route.getPath();
            if (path == null) {
                // a route given by a regular expression has no path to compare; services mount none
                continue;
            }
            if (route.getSubRouter() != null) {
                collect(route.getSubRouter(), mountPoint + trimTrailingSlash(path), operations);
                continue;
            }
            String openApiPath = VERTX_PARAMETER.matcher(mountPoint + path).replaceAll("{$1}");
            if (route.methods() == null || route.methods().isEmpty()) {
                if (route.isExactPath()) {
                    operations.add("* " + openApiPath);
                }
                continue;
            }
            for (HttpMethod method : route.methods()) {
                operations.add(method.name() + " " + openApiPath);
            }
        }
    }

    /** The path of the first server's URL ({@code /api/v1} in {@code https://x/api/v1}), or "" when none. */
    private static String basePath(JsonObject document) {
        JsonArray servers = document.getJsonArray("servers");
        if (servers == null || servers.isEmpty()) {
            return "";
        }
        String url = servers.getJsonObject(0).getString("url", "");
        String path = URI.create(url).getPath();
        return path == null ? "" : trimTrailingSlash(path);
    }

    private static String trimTrailingSlash(String path) {
        return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static String pathOf(String operation) {
        return operation.substring(operation.indexOf(' ') + 1);
    }
}
