package io.berth.broker.cache;

import io.berth.broker.domain.AppGroupAccess;
import io.berth.common.events.AppGroupType;
import org.infinispan.protostream.annotations.ProtoAdapter;
import org.infinispan.protostream.annotations.ProtoFactory;
import org.infinispan.protostream.annotations.ProtoField;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/** ProtoStream schema of {@link AppGroupAccess}. */
@ProtoAdapter(AppGroupAccess.class)
public final class AppGroupAccessAdapter {

    @ProtoFactory
    AppGroupAccess create(String appGroupId, String poolId, String type, List<String> users, List<String> groups) {
        return new AppGroupAccess(appGroupId, poolId, AppGroupType.valueOf(type), new HashSet<>(users),
                new HashSet<>(groups));
    }

    @ProtoField(1)
    String getAppGroupId(AppGroupAccess appGroup) {
        return appGroup.appGroupId();
    }

    @ProtoField(2)
    String getPoolId(AppGroupAccess appGroup) {
        return appGroup.poolId();
    }

    @ProtoField(3)
    String getType(AppGroupAccess appGroup) {
        return appGroup.type().name();
    }

    @ProtoField(number = 4, collectionImplementation = ArrayList.class)
    List<String> getUsers(AppGroupAccess appGroup) {
        return new ArrayList<>(appGroup.users());
    }

    @ProtoField(number = 5, collectionImplementation = ArrayList.class)
    List<String> getGroups(AppGroupAccess appGroup) {
        return new ArrayList<>(appGroup.groups());
    }
}
