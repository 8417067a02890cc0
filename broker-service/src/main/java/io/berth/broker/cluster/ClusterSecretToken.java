package io.berth.broker.cluster;

import org.jgroups.Address;
import org.jgroups.Message;
import org.jgroups.auth.AuthToken;
import org.jgroups.util.Util;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;

/**
 * JGroups {@code AUTH} token proving that a joining or merging node holds the cluster secret without sending
 * it: the token is an HMAC-SHA256, under the key {@link ClusterSecret} derives, of the sender's own address. The
 * coordinator recomputes it for the message's source and admits the node only on a match; a token copied from
 * another node's join does not fit another address. A token without a key (the class named in a stack file but
 * never given the secret) refuses to start, so a stack can only run authenticated.
 */
public final class ClusterSecretToken extends AuthToken {

    private static final int MAC_BYTES = 32;

    private final byte[] key;
    /** On a received token: the MAC its sender wrote. */
    private byte[] receivedMac;

    /** For JGroups, which creates a token to read a received header into. */
    public ClusterSecretToken() {
        this.key = null;
    }

    ClusterSecretToken(ClusterSecret secret) {
        this.key = secret.authenticationKey();
    }

    @Override
    public void init() throws Exception {
        if (key == null) {
            throw new IllegalStateException("ClusterSecretToken has no cluster secret: build the channel with"
                    + " SecureClusterChannel");
        }
    }

    @Override
    public String getName() {
        return getClass().getName();
    }

    @Override
    public int size() {
        return MAC_BYTES;
    }

    @Override
    public boolean authenticate(AuthToken token, Message msg) {
        if (token == this) {
            // A message this node sent itself (a merge request to its own view) is passed on without being
            // serialised, so it carries this very instance; a token from another node is always a fresh one.
            return true;
        }
        if (key == null || !(token instanceof ClusterSecretToken other) || other.receivedMac == null
                || msg.getSrc() == null) {
            return false;
        }
        return MessageDigest.isEqual(mac(key, msg.getSrc()), other.receivedMac);
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        Address self = auth == null ? null : auth.getProtocolStack().getChannel().getAddress();
        if (key == null || self == null) {
            // Nothing to prove with: a zero MAC, which no coordinator accepts.
            out.write(new byte[MAC_BYTES]);
            return;
        }
        out.write(mac(key, self));
    }

    @Override
    public void readFrom(DataInput in) throws IOException {
        receivedMac = new byte[MAC_BYTES];
        in.readFully(receivedMac);
    }

    static byte[] mac(byte[] key, Address address) {
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(new SecretKeySpec(key, "HmacSHA256"));
            hmac.update("berth-join|".getBytes(StandardCharsets.US_ASCII));
            hmac.update(Util.streamableToByteBuffer(address));
            return hmac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialise the address " + address, e);
        }
    }

    @Override
    public String toString() {
        return "ClusterSecretToken";
    }
}
