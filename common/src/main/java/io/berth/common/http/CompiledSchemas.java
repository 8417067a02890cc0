package io.berth.common.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.networknt.schema.OutputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.AnnotationKeyword;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The document's request schemas (each operation's JSON body, each path or header parameter) compiled once by
 * networknt's validator, to <em>accept</em> a valid request on the event loop at the cost of a few
 * microseconds. vertx-json-schema, which the contract is loaded with, checks a value in one 9 KB method that
 * HotSpot never compiles (it is over {@code HugeMethodLimit}), so every body it checks is interpreted: it was
 * the largest single cost of a connect. A value these schemas refuse is checked again by vertx-json-schema,
 * whose errors {@link RequestValidation} words; the two validators agree on what is valid
 * ({@code CompiledSchemasTest} holds them to it over every schema of the three documents).
 */
final class CompiledSchemas {

    /** Where the document lives for the schemas' {@code $ref}s; never fetched, the registry holds its text. */
    private static final String DOCUMENT = "urn:berth:openapi";

    /** By operation id: the schema of its JSON body. */
    private final Map<String, Schema> bodies = new HashMap<>();
    /** By {@link #parameterKey}: the schema of a path or header parameter. */
    private final Map<String, Schema> parameters = new HashMap<>();

    CompiledSchemas(JsonObject document, List<ApiContract.WrittenOperation> operations) {
        // The document's own keys (openapi, paths, x-invalid-detail...) are keywords no schema dialect knows: plain
        // annotations, as in vertx-json-schema, without a warning logged for each at every start.
        Dialect openApi = Dialect.builder(Dialects.getOpenApi31())
                .unknownKeywordFactory((keyword, context) -> new AnnotationKeyword(keyword))
                .build();
        // format assertions on, as vertx-json-schema does (a date-time that is no date-time is refused)
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(openApi, builder -> builder
                .schemas(Map.of(DOCUMENT, document.encode()))
                .schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
        for (ApiContract.WrittenOperation operation : operations) {
            compileBody(registry, document, operation.id(), operation.operation(), operation.pointer());
            // path-level parameters first, so that an operation's own parameter of the same name wins
            compileParameters(registry, document, operation.id(), operation.pathItem().getJsonArray("parameters"),
                    operation.pathPointer() + "/parameters");
            compileParameters(registry, document, operation.id(), operation.operation().getJsonArray("parameters"),
                    operation.pointer() + "/parameters");
        }
    }

    /** Whether {@code body} is valid for the operation; false also when it has no compiled body schema. */
    boolean acceptsBody(String operationId, JsonNode body) {
        Schema schema = bodies.get(operationId);
        return schema != null && schema.validate(body, OutputFormat.BOOLEAN);
    }

    /** Whether the text of a path or header parameter is valid; false also when it has no compiled schema. */
    boolean acceptsParameter(String operationId, String in, String name, String value) {
        Schema schema = parameters.get(parameterKey(operationId, in, name));
        return schema != null && schema.validate(TextNode.valueOf(value), OutputFormat.BOOLEAN);
    }

    private void compileBody(SchemaRegistry registry, JsonObject document, String id, JsonObject operation,
                             String operationPointer) {
        if (!(operation.getValue("requestBody") instanceof JsonObject body)) {
            return;
        }
        String bodyPointer = operationPointer + "/requestBody";
        if (body.getString("$ref") != null) {
            bodyPointer = body.getString("$ref");
            body = resolve(document, bodyPointer);
        }
        JsonObject content = body == null ? null : body.getJsonObject("content");
        if (content != null && content.getJsonObject("application/json") != null
                && content.getJsonObject("application/json").getValue("schema") != null) {
            bodies.put(id, registry.getSchema(SchemaLocation.of(DOCUMENT + bodyPointer
                    + "/content/application~1json/schema")));
        }
    }

    private void compileParameters(SchemaRegistry registry, JsonObject document, String id, JsonArray declared,
                                   String listPointer) {
        if (declared == null) {
            return;
        }
        for (int i = 0; i < declared.size(); i++) {
            JsonObject parameter = declared.getJsonObject(i);
            String pointer = listPointer + "/" + i;
            if (parameter.getString("$ref") != null) {
                pointer = parameter.getString("$ref");
                parameter = resolve(document, pointer);
            }
            if (parameter != null && parameter.getValue("schema") != null && parameter.getString("name") != null) {
                parameters.put(parameterKey(id, parameter.getString("in", ""), parameter.getString("name")),
                        registry.getSchema(SchemaLocation.of(DOCUMENT + pointer + "/schema")));
            }
        }
    }

    private static String parameterKey(String operationId, String in, String name) {
        String lowerIn = in.toLowerCase(Locale.ROOT);
        // header names are case-insensitive
        return operationId + "/" + lowerIn + "/" + ("header".equals(lowerIn) ? name.toLowerCase(Locale.ROOT) : name);
    }

    /** The object a local reference ({@code #/components/...}) points at, or null. */
    private static JsonObject resolve(JsonObject document, String reference) {
        if (!reference.startsWith("#/")) {
            return null;
        }
        Object node = document;
        for (String segment : reference.substring(2).split("/")) {
            node = node instanceof JsonObject object ? object.getValue(segment.replace("~1", "/").replace("~0", "~")) : null;
        }
        return node instanceof JsonObject object ? object : null;
    }
}
