package io.berth.broker.domain;

/**
 * What this broker node may do right now, as its cluster and its feed see it: answer connects at all (its
 * caches have caught up with Kafka) and place new sessions (it sees a strict majority of the cluster's last
 * stable membership). A node in a minority may still answer a reconnect from what it holds: that writes nothing.
 */
public interface NodeStanding {

    boolean isCaughtUp();

    boolean isInMinority();

    /**
     * The broker cluster's membership view, changing with every join, leave, split or merge. A reservation
     * that completed while the view changed is not trusted: a write whose other members dropped out of the
     * view completes as if they had acknowledged it, so on the side of a fresh split it may stand nowhere else.
     */
    default long clusterView() {
        return 0;
    }

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
