package io.berth.broker.domain;

/**
 * What this broker node may do right now, as its cluster and its feed see it: answer connects at all (its
 * caches have caught up with Kafka) and place new sessions (it sees a strict majority of the cluster's last
 * stable membership). A node in a minority may still answer a reconnect from what it holds: that writes nothing.
 */
public interface NodeStanding {

    boolean isCaughtUp();

    boolean isInMinority();

    /** A node that is always ready and never partitioned (tests of the placement rules). */
    NodeStanding ALWAYS = new NodeStanding() {
        @Override
        public boolean isCaughtUp() {
            return true;
        }

        @Override
        public boolean isInMinority() {
            return false;
        }
    };
}
