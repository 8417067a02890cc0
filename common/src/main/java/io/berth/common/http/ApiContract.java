package io.berth.common.http;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.validation.RequestValidator;

import java.util.Objects;
import java.util.concurrent.CompletionException;

/**
 * A service's OpenAPI 3.1 document, loaded once at start: the source of its request validation
 * ({@link ApiRouter}) and the document it serves at {@code /api/v1/openapi.json}.
 */
public final class ApiContract {

    private final OpenAPIContract contract;
    private final RequestValidator validator;

    private ApiContract(OpenAPIContract contract, RequestValidator validator) {
        this.contract = contract;
        this.validator = validator;
    }

    /**
     * Loads and checks the document at {@code classpathResource} (YAML or JSON). Blocks: call it once at
     * start, off the event loop. Throws when the document is missing or is not valid OpenAPI, so that a
     * broken document stops the service from starting rather than letting requests through unchecked.
     */
    public static ApiContract load(Vertx vertx, String classpathResource) {
        Objects.requireNonNull(classpathResource, "classpathResource");
        if (ApiContract.class.getClassLoader().getResource(classpathResource) == null) {
            throw new IllegalStateException("no OpenAPI document on the class path at " + classpathResource);
        }
        OpenAPIContract contract;
        try {
            // join, not await: await may not block a Vert.x worker thread, where a verticle's start runs this.
            contract = OpenAPIContract.from(vertx, classpathResource).toCompletionStage().toCompletableFuture().join();
        } catch (CompletionException e) {
            throw new IllegalStateException("the OpenAPI document " + classpathResource + " is not valid: "
                    + e.getCause().getMessage(), e.getCause());
        }
        return new ApiContract(contract, RequestValidator.create(vertx, contract));
    }

    /** The document, with its references resolved, as served at {@code /api/v1/openapi.json}. */
    public JsonObject document() {
        return contract.getRawContract();
    }

    OpenAPIContract openApi() {
        return contract;
    }

    RequestValidator validator() {
        return validator;
    }
}
