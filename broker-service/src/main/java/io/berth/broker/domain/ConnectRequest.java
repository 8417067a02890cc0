package io.berth.broker.domain;

import java.util.List;

/** A gateway's connect request: the user, the application group, and the user's groups as the gateway knows them. */
public record ConnectRequest(String userId, String appGroupId, List<String> groups) {

    public ConnectRequest {
        groups = groups == null ? List.of() : List.copyOf(groups);
    }
}
