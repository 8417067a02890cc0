package io.berth.common.http;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.RequestValidator;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionException;

/**
 * A service's OpenAPI 3.1 document, loaded once at start: the source of its request validation
 * ({@link ApiRouter}) and the document it serves at {@code /api/v1/openapi.json}.
 */
public final class ApiContract {

    /** Where a request's operation is kept once looked up (see {@link #operationOf}). */
    private static final String OPERATION = "berth.operation";

    private final OpenAPIContract contract;
    private final RequestValidator validator;
    private final JsonObject asWritten;
    /** The ids of the operations that ask for a bearer token (their own {@code security}, else the global one). */
    private final Set<String> securedOperations;
    private final CompiledSchemas compiledSchemas;

    private ApiContract(OpenAPIContract contract, RequestValidator validator, JsonObject asWritten) {
        this.contract = contract;
        this.validator = validator;
        this.asWritten = asWritten;
        this.securedOperations = securedOperations(asWritten);
        this.compiledSchemas = new CompiledSchemas(asWritten, operationsAsWritten(asWritten));
    }

    /**
     * Loads and checks the document at {@code classpathResource} (YAML or JSON). Blocks: call it once at
     * start, off the event loop. Throws when the document is missing or is not valid OpenAPI, so that a
     * broken document stops the service from starting rather than letting requests through unchecked.
     */
    public static ApiContract load(Vertx vertx, String classpathResource) {
        Objects.requireNonNull(classpathResource, "classpathResource");
        if (Context.isOnEventLoopThread()) {
            throw new IllegalStateException("ApiContract.load blocks: call it on a worker (BerthVerticle.blocking)");
        }
        if (ApiContract.class.getClassLoader().getResource(classpathResource) == null) {
            throw new IllegalStateException("no OpenAPI document on the class path at " + classpathResource);
        }
        OpenAPIContract contract;
        try {
            // join, not await: Vert.x refuses await on its worker threads, where a verticle's start loads this
            contract = OpenAPIContract.from(vertx, classpathResource).toCompletionStage().toCompletableFuture().join();
        } catch (RuntimeException e) {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("the OpenAPI document " + classpathResource + " is not valid: "
                    + cause.getMessage(), cause);
        }
        return new ApiContract(contract, RequestValidator.create(vertx, contract), asWritten(classpathResource));
    }

    /**
     * The document as its authors wrote it, as served at {@code /api/v1/openapi.json}. Not the loaded
     * contract's copy: resolving the references left resolver bookkeeping ({@code __absolute_uri__} keys,
     * {@code app:///} references) in it, which no other OpenAPI tool understands.
     */
    public JsonObject document() {
        return asWritten;
    }

    @SuppressWarnings("unchecked")
    private static JsonObject asWritten(String classpathResource) {
        try (InputStream in = ApiContract.class.getClassLoader().getResourceAsStream(classpathResource)) {
            String text = new String(Objects.requireNonNull(in, classpathResource).readAllBytes(), StandardCharsets.UTF_8);
            // YAML is a superset of JSON: one safe loader reads either form.
            Object loaded = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
            return new JsonObject((Map<String, Object>) loaded);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The documented operation a request is for, or null; looked up once per request, however many of the
     * router's handlers (body limits, validation) ask.
     */
    Operation operationOf(RoutingContext ctx) {
        if (ctx.data().containsKey(OPERATION)) {
            return ctx.get(OPERATION);
        }
        Operation operation = contract.findOperation(ctx.normalizedPath(), ctx.request().method());
        ctx.put(OPERATION, operation);
        return operation;
    }

    /** Whether the document asks a bearer token of this operation. */
    boolean requiresToken(Operation operation) {
        return securedOperations.contains(operation.getOperationId());
    }

    /**
     * An operation of the document as written: its id, the JSON pointer of its path item and its method there,
     * itself and the path item holding it (for path-level parameters).
     */
    record WrittenOperation(String id, String pathPointer, String method, JsonObject operation, JsonObject pathItem) {
        String pointer() {
            return pathPointer + "/" + method;
        }
    }

    /** Every operation of the document as written (for its extensions, security and schemas). */
    List<WrittenOperation> operationsAsWritten() {
        return operationsAsWritten(asWritten);
    }

    private static List<WrittenOperation> operationsAsWritten(JsonObject document) {
        List<WrittenOperation> operations = new ArrayList<>();
        JsonObject paths = document.getJsonObject("paths", new JsonObject());
        for (String path : paths.fieldNames()) {
            JsonObject item = paths.getJsonObject(path);
            String pathPointer = "#/paths/" + path.replace("~", "~0").replace("/", "~1");
            for (String method : item.fieldNames()) {
                if (item.getValue(method) instanceof JsonObject operation && operation.getString("operationId") != null) {
                    operations.add(new WrittenOperation(operation.getString("operationId"), pathPointer, method,
                            operation, item));
                }
            }
        }
        return List.copyOf(operations);
    }

    private static Set<String> securedOperations(JsonObject document) {
        Set<String> secured = new HashSet<>();
        JsonArray global = document.getJsonArray("security");
        for (WrittenOperation written : operationsAsWritten(document)) {
            JsonObject operation = written.operation();
            JsonArray security = operation.containsKey("security") ? operation.getJsonArray("security") : global;
            if (security != null && !security.isEmpty()) {
                secured.add(written.id());
            }
        }
        return Set.copyOf(secured);
    }

    /** The request schemas compiled for the accepting check on the event loop. */
    CompiledSchemas compiledSchemas() {
        return compiledSchemas;
    }

    OpenAPIContract openApi() {
        return contract;
    }

    RequestValidator validator() {
        return validator;
    }
}
