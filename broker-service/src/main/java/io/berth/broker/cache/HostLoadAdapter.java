package io.berth.broker.cache;

import io.berth.common.events.HostLoad;
import org.infinispan.protostream.annotations.ProtoAdapter;
import org.infinispan.protostream.annotations.ProtoFactory;
import org.infinispan.protostream.annotations.ProtoField;

/** ProtoStream schema of common's {@link HostLoad}, as a host entry and a health change carry it. */
@ProtoAdapter(HostLoad.class)
public final class HostLoadAdapter {

    @ProtoFactory
    HostLoad create(double cpuPct, double memoryPct) {
        return new HostLoad(cpuPct, memoryPct);
    }

    @ProtoField(number = 1, defaultValue = "0")
    double getCpuPct(HostLoad load) {
        return load.cpuPct();
    }

    @ProtoField(number = 2, defaultValue = "0")
    double getMemoryPct(HostLoad load) {
        return load.memoryPct();
    }
}
