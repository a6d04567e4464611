package io.aralez.dataplane.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.filter.ThresholdFilter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.util.FileSize;
import io.aralez.dataplane.config.MainConfig;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/** Applies {@code log_level}, {@code log_file} and {@code error_log} to the logging backend. */
public final class LoggingSetup {
  private static final String PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level %logger{0} - %msg%n";

  private LoggingSetup() {}

  public static void apply(MainConfig config) {
    LoggerContext lc = (LoggerContext) LoggerFactory.getILoggerFactory();
    lc.reset();
    Logger root = lc.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(toLevel(config.logLevel()));
    // Netty's own debug output is noise for users; it follows our level only from WARN up.
    lc.getLogger("io.netty").setLevel(Level.WARN);
    root.addAppender(
        config.logFile() == null
            ? console(lc)
            : config.logRotation() == null
                ? file(lc, config.logFile(), "main")
                : rolling(lc, config.logFile(), config.logRotation()));
    if (config.errorLog() != null) {
      Appender<ILoggingEvent> errors = file(lc, config.errorLog(), "errors");
      ThresholdFilter warn = new ThresholdFilter();
      warn.setLevel("WARN");
      warn.start();
      errors.addFilter(warn);
      root.addAppender(errors);
    }
  }

  private static Level toLevel(MainConfig.LogLevel level) {
    return switch (level) {
      case TRACE -> Level.TRACE;
      case DEBUG -> Level.DEBUG;
      case INFO -> Level.INFO;
      case WARN -> Level.WARN;
      case ERROR -> Level.ERROR;
      case OFF -> Level.OFF;
    };
  }

  private static PatternLayoutEncoder encoder(LoggerContext lc) {
    PatternLayoutEncoder e = new PatternLayoutEncoder();
    e.setContext(lc);
    e.setPattern(PATTERN);
    e.start();
    return e;
  }

  private static Appender<ILoggingEvent> console(LoggerContext lc) {
    ConsoleAppender<ILoggingEvent> a = new ConsoleAppender<>();
    a.setContext(lc);
    a.setName("console");
    a.setEncoder(encoder(lc));
    a.start();
    return a;
  }

  /** Rolls at a size into {@code path.1} … {@code path.keep} ({@code .gz} when compressed). */
  private static Appender<ILoggingEvent> rolling(
      LoggerContext lc, Path path, MainConfig.LogRotation rotation) {
    RollingFileAppender<ILoggingEvent> a = new RollingFileAppender<>();
    a.setContext(lc);
    a.setName("main");
    a.setFile(path.toString());
    a.setAppend(true);
    a.setEncoder(encoder(lc));
    FixedWindowRollingPolicy window = new FixedWindowRollingPolicy();
    window.setContext(lc);
    window.setParent(a);
    window.setFileNamePattern(path + ".%i" + (rotation.compress() ? ".gz" : ""));
    window.setMinIndex(1);
    window.setMaxIndex(rotation.keep());
    window.start();
    SizeBasedTriggeringPolicy<ILoggingEvent> size = new SizeBasedTriggeringPolicy<>();
    size.setContext(lc);
    size.setMaxFileSize(new FileSize(rotation.maxBytes()));
    // logback looks at the size once a minute by default: a busy access log would overshoot.
    size.setCheckIncrement(ch.qos.logback.core.util.Duration.buildBySeconds(1));
    size.start();
    a.setRollingPolicy(window);
    a.setTriggeringPolicy(size);
    a.start();
    return a;
  }

  private static Appender<ILoggingEvent> file(LoggerContext lc, Path path, String name) {
    FileAppender<ILoggingEvent> a = new FileAppender<>();
    a.setContext(lc);
    a.setName(name);
    a.setFile(path.toString());
    a.setAppend(true);
    a.setEncoder(encoder(lc));
    a.start();
    return a;
  }
}
