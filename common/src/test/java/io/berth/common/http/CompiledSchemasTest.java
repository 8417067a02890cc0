package io.berth.common.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.Validator;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The compiled schemas accept exactly what vertx-json-schema accepts, schema by schema, over every request
 * body and string parameter of the three services' documents: a valid instance built from each schema, and
 * that instance with each field removed, replaced by a value of every JSON type and of awkward strings, or
 * joined by an unknown field. A body the compiled schemas accepted and vertx refused would now get through.
 */
class CompiledSchemasTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final List<Object> REPLACEMENTS = List.of("", "x".repeat(300), "abc-1", "a b", "\u0001",
            "2026-12-01T08:55:00Z", "2026-13-45T99:00:00Z", "ALICE@example.com", 0, -1, 1, 1.0, 1.5, 100000,
            new java.math.BigInteger("12345678901234567890"),
            true, new JsonArray(), new JsonArray().add("x"), new JsonObject());
    private static Vertx vertx;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        vertx.close().await();
    }

    @ParameterizedTest
    @ValueSource(strings = {"broker-service.yaml", "inventory-service.yaml", "session-service.yaml"})
    void bothValidatorsAcceptTheSameBodies(String document) throws Exception {
        ApiContract contract = ApiContract.load(vertx, "service-openapi/" + document);
        int valid = 0;
        int refused = 0;
        for (Operation operation : contract.openApi().operations()) {
            if (operation.getRequestBody() == null
                    || operation.getRequestBody().getContent().get(MediaType.APPLICATION_JSON) == null) {
                continue;
            }
            JsonSchema schema = operation.getRequestBody().getContent().get(MediaType.APPLICATION_JSON).getSchema();
            Validator vertxValidator = contract.openApi().getSchemaRepository().validator(schema);
            for (Object candidate : candidates(instanceOf(schema, contract, 0))) {
                boolean vertxValid = Boolean.TRUE.equals(vertxValidator.validate(candidate).getValid());
                JsonNode tree = MAPPER.readTree(Json.encode(candidate));
                assertThat(contract.compiledSchemas().acceptsBody(operation.getOperationId(), tree))
                        .as("%s %s", operation.getOperationId(), Json.encode(candidate))
                        .isEqualTo(vertxValid);
                if (vertxValid) {
                    valid++;
                } else {
                    refused++;
                }
            }
        }
        // Both kinds are exercised, many times, in every document.
        assertThat(valid).isGreaterThan(3);
        assertThat(refused).isGreaterThan(50);
    }

    @ParameterizedTest
    @ValueSource(strings = {"broker-service.yaml", "inventory-service.yaml", "session-service.yaml"})
    void bothValidatorsAcceptTheSameParameters(String document) {
        ApiContract contract = ApiContract.load(vertx, "service-openapi/" + document);
        int checked = 0;
        for (Operation operation : contract.openApi().operations()) {
            for (Parameter parameter : operation.getParameters()) {
                if (parameter.getIn() != io.vertx.openapi.contract.Location.PATH
                        && parameter.getIn() != io.vertx.openapi.contract.Location.HEADER) {
                    continue;
                }
                Validator vertxValidator = contract.openApi().getSchemaRepository().validator(parameter.getSchema());
                for (Object value : REPLACEMENTS) {
                    if (!(value instanceof String text)) {
                        continue;
                    }
                    boolean vertxValid = Boolean.TRUE.equals(vertxValidator.validate(text).getValid());
                    assertThat(contract.compiledSchemas().acceptsParameter(operation.getOperationId(),
                            parameter.getIn().name(), parameter.getName(), text))
                            .as("%s %s %s", operation.getOperationId(), parameter.getName(), text)
                            .isEqualTo(vertxValid);
                    checked++;
                }
            }
        }
        assertThat(checked).isGreaterThan(10);
    }

    /** The instance itself, and every one-field change of it (removed, replaced, an unknown field added). */
    private static Set<Object> candidates(Object instance) {
        Set<Object> candidates = new LinkedHashSet<>();
        candidates.add(instance);
        candidates.add(new JsonObject());
        candidates.addAll(REPLACEMENTS);
        mutate(instance, instance, candidates);
        return candidates;
    }

    private static void mutate(Object root, Object node, Set<Object> candidates) {
        if (node instanceof JsonObject object) {
            object.put("unknownField", 1);
            candidates.add(copy(root));
            object.remove("unknownField");
            for (String field : new ArrayList<>(object.fieldNames())) {
                Object value = object.getValue(field);
                object.remove(field);
                candidates.add(copy(root));
                for (Object replacement : REPLACEMENTS) {
                    object.put(field, replacement);
                    candidates.add(copy(root));
                }
                object.put(field, value);
                mutate(root, value, candidates);
            }
        } else if (node instanceof JsonArray array) {
            for (int i = 0; i < array.size(); i++) {
                Object value = array.getValue(i);
                for (Object replacement : REPLACEMENTS) {
                    array.set(i, replacement);
                    candidates.add(copy(root));
                }
                array.set(i, value);
                mutate(root, value, candidates);
            }
        }
    }

    private static Object copy(Object json) {
        return Json.decodeValue(Json.encode(json));
    }

    /**
     * A value the schema most likely accepts: every property, the first enum value or the first branch of a
     * {@code oneOf}, strings that fit Berth's id patterns. Not always valid (a pattern may refuse it): the
     * test only needs both validators to see it.
     */
    private static Object instanceOf(JsonSchema schema, ApiContract contract, int depth) {
        JsonObject json = schemaJson(schema);
        return instanceOf(json, contract.document(), depth);
    }

    private static JsonObject schemaJson(JsonSchema schema) {
        JsonObject json = new JsonObject();
        for (String key : schema.fieldNames()) {
            json.put(key, schema.get(key));
        }
        return json;
    }

    private static Object instanceOf(JsonObject schema, JsonObject document, int depth) {
        if (schema.getString("$ref") != null && schema.getString("$ref").contains("#/")) {
            String pointer = schema.getString("$ref").substring(schema.getString("$ref").indexOf("#/") + 2);
            Object node = document;
            for (String segment : pointer.split("/")) {
                node = ((JsonObject) node).getValue(segment.replace("~1", "/").replace("~0", "~"));
            }
            return instanceOf((JsonObject) node, document, depth + 1);
        }
        if (depth > 12) {
            return "x";
        }
        if (schema.getJsonArray("enum") != null) {
            return schema.getJsonArray("enum").getValue(0);
        }
        if (schema.getJsonArray("oneOf") != null) {
            return instanceOf(schema.getJsonArray("oneOf").getJsonObject(0), document, depth + 1);
        }
        Object type = schema.getValue("type");
        String first = type instanceof JsonArray types ? types.getString(0) : (String) type;
        if (first == null && schema.getJsonObject("properties") != null) {
            first = "object";
        }
        if (first == null) {
            return "abc-1";
        }
        return switch (first) {
            case "object" -> {
                JsonObject object = new JsonObject();
                JsonObject properties = schema.getJsonObject("properties", new JsonObject());
                for (String name : properties.fieldNames()) {
                    object.put(name, instanceOf(properties.getJsonObject(name), document, depth + 1));
                }
                yield object;
            }
            case "array" -> new JsonArray().add(instanceOf(schema.getJsonObject("items", new JsonObject()),
                    document, depth + 1));
            case "integer", "number" -> schema.getValue("minimum") != null ? schema.getValue("minimum") : 1;
            case "boolean" -> true;
            default -> "date-time".equals(schema.getString("format")) ? "2026-12-01T08:55:00Z" : "abc-1";
        };
    }
}
