import HedgeEngine
public enum HedgeTerminalModule {}
