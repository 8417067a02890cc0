package io.berth.deploy.demo;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;

/**
 * The demo hosts' agent tokens by host name, kept in a file as real agents keep theirs: after a restart the
 * hosts register again with them, since a registered host is taken only with its own agent token
 * (DESIGN.md 7.8). Without a file nothing is kept.
 */
final class AgentTokenFile {

    private final Vertx vertx;
    private final Path file;

    AgentTokenFile(Vertx vertx, Path file) {
        this.vertx = vertx;
        this.file = file;
    }

    /** The tokens kept from an earlier run (none without a file, or on the first run). */
    Future<JsonObject> read() {
        if (file == null) {
            return Future.succeededFuture(new JsonObject());
        }
        return vertx.fileSystem().exists(file.toString()).compose(exists -> exists
                ? vertx.fileSystem().readFile(file.toString()).map(JsonObject::new)
                : Future.succeededFuture(new JsonObject()));
    }

    Future<Void> write(JsonObject tokensByHostName) {
        return file == null ? Future.succeededFuture() : vertx.fileSystem().writeFile(file.toString(), tokensByHostName.toBuffer());
    }
}
