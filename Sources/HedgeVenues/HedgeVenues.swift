public enum HedgeVenuesModule {}
