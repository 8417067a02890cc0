package io.berth.broker.cluster;

import org.infinispan.remoting.transport.jgroups.AbstractJGroupsChannelConfigurator;
import org.jgroups.JChannel;
import org.jgroups.conf.ConfiguratorFactory;
import org.jgroups.conf.ProtocolConfiguration;
import org.jgroups.protocols.AUTH;
import org.jgroups.protocols.SYM_ENCRYPT;
import org.jgroups.stack.Configurator;
import org.jgroups.stack.Protocol;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Builds the broker's JGroups channel from a stack file and the cluster secret, as the channel configurator
 * Infinispan's transport asks for its channel. The stack must hold {@code SYM_ENCRYPT} (under {@code NAKACK2}:
 * every message body encrypted with the key derived from the secret) and {@code AUTH} with
 * {@link ClusterSecretToken} (under {@code GMS}: a join or merge is admitted only with a proof of the secret);
 * the keys are handed to those protocols here, before they start, so they never appear in a file or a system
 * property. A stack without them is refused: the broker cluster never runs open.
 */
public final class SecureClusterChannel extends AbstractJGroupsChannelConfigurator {

    private final List<ProtocolConfiguration> stack;
    private final ClusterSecret secret;
    private final String source;

    private SecureClusterChannel(List<ProtocolConfiguration> stack, ClusterSecret secret, String source) {
        this.stack = stack;
        this.secret = secret;
        this.source = source;
        boolean encrypted = stack.stream().anyMatch(p -> p.getProtocolName().endsWith("SYM_ENCRYPT"));
        boolean authenticated = stack.stream().anyMatch(p -> p.getProtocolName().endsWith("AUTH")
                && ClusterSecretToken.class.getName().equals(p.getProperties().get("auth_class")));
        if (!encrypted || !authenticated) {
            throw new IllegalStateException(source + " must hold SYM_ENCRYPT and AUTH with auth_class=\""
                    + ClusterSecretToken.class.getName() + "\": the broker cluster is always encrypted and"
                    + " authenticated (see jgroups/berth-tcp.xml)");
        }
    }

    /** The configurator of a stack given as XML text. */
    public static SecureClusterChannel fromXml(String xml, ClusterSecret secret) {
        try {
            return new SecureClusterChannel(ConfiguratorFactory.getStackConfigurator(
                    new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8))).getProtocolStack(),
                    secret, "the default stack");
        } catch (IllegalStateException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the JGroups stack: " + e.getMessage(), e);
        }
    }

    /** The configurator of a stack file: a path or a classpath resource. */
    public static SecureClusterChannel fromFile(String pathOrResource, ClusterSecret secret) {
        try {
            return new SecureClusterChannel(ConfiguratorFactory.getStackConfigurator(pathOrResource)
                    .getProtocolStack(), secret, pathOrResource);
        } catch (IllegalStateException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the JGroups stack " + pathOrResource + ": "
                    + e.getMessage(), e);
        }
    }

    /** A channel, not yet connected, whose SYM_ENCRYPT and AUTH hold the keys derived from the secret. */
    @Override
    public JChannel createChannel(String name) throws Exception {
        // ${name:default} placeholders (system properties), as JGroups fills them when it reads a stack itself.
        stack.forEach(ProtocolConfiguration::substituteVariables);
        List<Protocol> protocols = Configurator.createProtocolsAndInitializeAttrs(stack, null);
        for (Protocol protocol : protocols) {
            if (protocol instanceof SYM_ENCRYPT encrypt) {
                encrypt.setSecretKey(secret.encryptionKey());
            } else if (protocol instanceof AUTH auth && auth.getAuthToken() instanceof ClusterSecretToken) {
                ClusterSecretToken token = new ClusterSecretToken(secret);
                token.setAuth(auth);
                auth.setAuthToken(token);
            }
        }
        JChannel channel = new JChannel(protocols);
        if (name != null) {
            channel.name(name);
        }
        return amendChannel(channel);
    }

    @Override
    public String getName() {
        return source;
    }

    @Override
    public String getProtocolStackString() {
        return stack.toString();
    }

    @Override
    public List<ProtocolConfiguration> getProtocolStack() {
        return stack;
    }
}
