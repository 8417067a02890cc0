package io.berth.common.http;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.validation.RequestValidator;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionException;

/**
 * A service's OpenAPI 3.1 document, loaded once at start: the source of its request validation
 * ({@link ApiRouter}) and the document it serves at {@code /api/v1/openapi.json}.
 */
public final class ApiContract {

    private final OpenAPIContract contract;
    private final RequestValidator validator;
    private final JsonObject asWritten;

    private ApiContract(OpenAPIContract contract, RequestValidator validator, JsonObject asWritten) {
        this.contract = contract;
        this.validator = validator;
        this.asWritten = asWritten;
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

    OpenAPIContract openApi() {
        return contract;
    }

    RequestValidator validator() {
        return validator;
    }
}
