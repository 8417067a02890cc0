package io.berth.broker.domain;

import java.util.Optional;

/**
 * The hosts to try, best first, for one connect. When a reservation on one is refused (another broker took
 * its last slot first), the next call yields the next best; empty when none is left.
 */
@FunctionalInterface
public interface Candidates {

    Optional<HostEntry> next();

    static Candidates single(HostEntry host) {
        return new Candidates() {
            private boolean given;

            @Override
            public Optional<HostEntry> next() {
                if (given) {
                    return Optional.empty();
                }
                given = true;
                return Optional.of(host);
            }
        };
    }
}
