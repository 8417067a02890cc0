package io.berth.deploy;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LauncherOptionsTest {

    @Test
    void noArgumentsMeansDefaults() {
        // when
        LauncherOptions options = LauncherOptions.parse();

        // then
        assertThat(options.dataDir()).isEmpty();
        assertThat(options.demoHosts()).isEqualTo(LauncherOptions.DEFAULT_DEMO_HOSTS);
        assertThat(options.help()).isFalse();
    }

    @Test
    void flagsTakeTheirValueAsNextArgumentOrAfterAnEqualsSign() {
        // when
        LauncherOptions spaced = LauncherOptions.parse("--data-dir", "/tmp/b", "--demo-hosts", "0");
        LauncherOptions joined = LauncherOptions.parse("--data-dir=/tmp/b", "--demo-hosts=5");

        // then
        assertThat(spaced.dataDir()).isEqualTo(Optional.of(Path.of("/tmp/b")));
        assertThat(spaced.demoHosts()).isZero();
        assertThat(joined.dataDir()).isEqualTo(Optional.of(Path.of("/tmp/b")));
        assertThat(joined.demoHosts()).isEqualTo(5);
    }

    @Test
    void helpIsRecognised() {
        assertThat(LauncherOptions.parse("--help").help()).isTrue();
        assertThat(LauncherOptions.parse("-h").help()).isTrue();
    }

    @Test
    void badArgumentsAreUsageErrorsThatSayWhatIsWrong() {
        assertThatThrownBy(() -> LauncherOptions.parse("--verbose"))
                .isInstanceOf(LauncherOptions.UsageException.class).hasMessageContaining("--verbose");
        assertThatThrownBy(() -> LauncherOptions.parse("--demo-hosts"))
                .isInstanceOf(LauncherOptions.UsageException.class).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> LauncherOptions.parse("--demo-hosts", "many"))
                .isInstanceOf(LauncherOptions.UsageException.class).hasMessageContaining("whole number");
        assertThatThrownBy(() -> LauncherOptions.parse("--demo-hosts", "-1"))
                .isInstanceOf(LauncherOptions.UsageException.class).hasMessageContaining("between 0");
        assertThatThrownBy(() -> LauncherOptions.parse("--data-dir", "--help"))
                .isInstanceOf(LauncherOptions.UsageException.class).hasMessageContaining("--data-dir needs a value");
    }
}
