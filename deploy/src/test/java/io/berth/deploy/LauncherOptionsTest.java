package io.berth.deploy;

import io.berth.deploy.cli.CheckedOptions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

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
    void theDemoScalingPlanIsOffByDefaultAndNeedsTheDemoFleet() {
        assertThat(LauncherOptions.parse().demoScalingPlan()).isFalse();
        assertThat(LauncherOptions.parse("--demo-scaling-plan").demoScalingPlan()).isTrue();
        assertThatThrownBy(() -> LauncherOptions.parse("--demo-scaling-plan", "--demo-hosts", "0"))
                .isInstanceOf(ParameterException.class).hasMessageContaining("--demo-scaling-plan needs the demo fleet");
    }

    @Test
    void helpIsRecognised() {
        assertThat(LauncherOptions.parse("--help").help()).isTrue();
        assertThat(LauncherOptions.parse("-h").help()).isTrue();
    }

    @Test
    void badArgumentsAreUsageErrorsThatSayWhatIsWrong() {
        assertThatThrownBy(() -> LauncherOptions.parse("--verbose"))
                .isInstanceOf(ParameterException.class).hasMessageContaining("--verbose");
        assertThatThrownBy(() -> LauncherOptions.parse("--demo-hosts"))
                .isInstanceOf(ParameterException.class).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> LauncherOptions.parse("--demo-hosts", "many"))
                .isInstanceOf(ParameterException.class).hasMessageContaining("whole number");
        assertThatThrownBy(() -> LauncherOptions.parse("--demo-hosts", "-1"))
                .isInstanceOf(ParameterException.class).hasMessageContaining("between 0");
        assertThatThrownBy(() -> LauncherOptions.parse("--data-dir", "--help"))
                .isInstanceOf(ParameterException.class).hasMessageContaining("--data-dir needs a value");
    }

    @Test
    void usageIsGeneratedFromTheOptions() {
        // when
        String usage = new CommandLine(new LauncherOptions()).getUsageMessage(CommandLine.Help.Ansi.OFF);

        // then
        assertThat(usage).startsWith("Usage: java -jar berth-local.jar")
                .contains("--data-dir=DIR", "--demo-hosts=N", "default 20", "-h, --help", "BERTH_KAFKA_BOOTSTRAP");
    }

    @Test
    void badValuesNameTheFlag() {
        assertThatThrownBy(() -> LauncherOptions.parse("--demo-hosts", "10001"))
                .isInstanceOf(ParameterException.class).hasMessage("--demo-hosts must be between 0 and 10000, was 10001");
        assertThatThrownBy(() -> LauncherOptions.parse("--data-dir="))
                .isInstanceOf(ParameterException.class).hasMessage("--data-dir needs a directory");
    }

    @Test
    void aBadCommandLineExitsTwoWithoutStartingAndHelpExitsZero() {
        // given
        AtomicInteger started = new AtomicInteger();

        // when
        int bad = CheckedOptions.execute(new LauncherOptions(), new String[] {"--demo-hosts", "lots"}, started::incrementAndGet);
        int outOfRange = CheckedOptions.execute(new LauncherOptions(), new String[] {"--demo-hosts", "-1"}, started::incrementAndGet);
        int help = CheckedOptions.execute(new LauncherOptions(), new String[] {"--help"}, started::incrementAndGet);

        // then
        assertThat(bad).isEqualTo(2);
        assertThat(outOfRange).isEqualTo(2);
        assertThat(help).isZero();
        assertThat(started).hasValue(0);
    }

    @Test
    void aGoodCommandLineRunsTheCommandWithItsExitCode() {
        // given
        LauncherOptions options = new LauncherOptions();

        // when
        int exit = CheckedOptions.execute(options, new String[] {"--demo-hosts", "3"}, () -> options.demoHosts() + 40);

        // then
        assertThat(exit).isEqualTo(43);
    }
}
