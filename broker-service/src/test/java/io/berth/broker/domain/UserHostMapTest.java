package io.berth.broker.domain;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class UserHostMapTest {

    private static IndexedHost host(String hostId) {
        return new IndexedHost(Hosts.available(hostId, "p", 0));
    }

    @Test
    void aUserMapsToTheHostPutLastAndIsRemovedOnlyWithThatHost() {
        UserHostMap map = new UserHostMap();
        IndexedHost h1 = host("h1");
        IndexedHost h2 = host("h2");

        map.put("alice", h1);
        map.put("alice", h2);
        map.remove("alice", h1);

        assertThat(map.get("alice")).isSameAs(h2);
        map.remove("alice", h2);
        assertThat(map.get("alice")).isNull();
        assertThat(map.size()).isZero();
    }

    @Test
    void randomPutsAndRemovesAgreeWithAHashMap() {
        // given a map driven through growth and many backward-shift removals alongside a HashMap
        UserHostMap map = new UserHostMap();
        Map<String, IndexedHost> expected = new HashMap<>();
        IndexedHost[] hosts = new IndexedHost[64];
        for (int i = 0; i < hosts.length; i++) {
            hosts[i] = host("h" + i);
        }
        SplittableRandom random = new SplittableRandom(7);

        // when
        for (int step = 0; step < 200_000; step++) {
            String user = "u" + random.nextInt(5_000);
            IndexedHost host = hosts[random.nextInt(hosts.length)];
            if (random.nextInt(3) == 0) {
                map.remove(user, host);
                expected.remove(user, host);
            } else {
                map.put(user, host);
                expected.put(user, host);
            }
        }

        // then
        assertThat(map.size()).isEqualTo(expected.size());
        for (int u = 0; u < 5_000; u++) {
            assertThat(map.get("u" + u)).isSameAs(expected.get("u" + u));
        }
    }
}
