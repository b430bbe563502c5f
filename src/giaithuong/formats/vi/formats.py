# Dates as Vietnamese official writing has them in running text: 02/6/2026, 23:59 ngày 31/7/2026.
DATE_FORMAT = "d/m/Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "H:i \\n\\g\\à\\y d/m/Y"
SHORT_DATETIME_FORMAT = "H:i d/m/Y"
