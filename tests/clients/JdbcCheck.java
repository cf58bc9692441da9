// pgjdbc, the driver Metabase (and most Java BI tools) use. Run in source-file mode:
//   java -cp /usr/share/java/postgresql.jar JdbcCheck.java JDBC_URL
// pgjdbc switches a prepared statement to server-side prepare and binary results after
// prepareThreshold executions (0: never, 1: at once, -1: always binary), so each threshold is
// run past that point. Exits non-zero on the first failed check.
import java.sql.*;
import java.util.Properties;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

public class JdbcCheck {
    static void check(boolean ok, String what) {
        if (!ok) {
            System.out.println("FAILED: " + what);
            System.exit(1);
        }
    }

    public static void main(String[] args) throws Exception {
        String sql = "SELECT nps(score), csat(score % 5 + 1), ces(score % 7 + 1), "
            + "nps_margin(survey_agg(score)), responses(survey_agg(score)), survey_agg(score) "
            + "FROM (VALUES (10), (9), (3), (7)) AS t(score) WHERE score >= ?";
        for (String threshold : new String[] {"0", "1", "-1"}) {
            Properties props = new Properties();
            props.setProperty("user", "postgres");
            props.setProperty("prepareThreshold", threshold);
            try (Connection conn = DriverManager.getConnection(args[0], props)) {
                for (int run = 0; run < 7; run++) {
                    try (PreparedStatement ps = conn.prepareStatement(sql)) {
                        ps.setInt(1, 0);
                        try (ResultSet rs = ps.executeQuery()) {
                            check(rs.next(), "a row");
                            ResultSetMetaData md = rs.getMetaData();
                            for (int col = 1; col <= 4; col++) {
                                check(md.getColumnType(col) == Types.DOUBLE, "column " + col + " is float8");
                            }
                            check(md.getColumnType(5) == Types.BIGINT, "responses is int8");
                            check(rs.getDouble(1) == 25.0, "nps = 25, got " + rs.getDouble(1));
                            check(rs.getDouble(2) == 50.0, "csat = 50");
                            check(rs.getDouble(3) == 3.0, "ces = 3");
                            check(Math.abs(rs.getDouble(4) - 81.2558142) < 1e-6, "margin = 81.2558142, got " + rs.getDouble(4));
                            check(rs.getLong(5) == 4L, "responses = 4");
                            check(rs.getString(6).equals("{\"version\":1,\"counts\":[0,0,0,1,0,0,0,1,0,1,1]}"),
                                  "summary text, got " + rs.getString(6));
                        }
                    }
                }
                try (PreparedStatement ps = conn.prepareStatement("SELECT nps(s) FROM (VALUES (?)) AS t(s)")) {
                    ps.setInt(1, 11);
                    ps.executeQuery();
                    check(false, "score 11 raises an error");
                } catch (PSQLException e) {
                    ServerErrorMessage m = e.getServerErrorMessage();
                    check("22003".equals(e.getSQLState()), "SQLSTATE 22003, got " + e.getSQLState());
                    check(m.getMessage().equals("nps score 11 is out of range"), "message, got " + m.getMessage());
                    check(m.getDetail() != null && m.getDetail().contains("0 to 10"), "detail");
                    check(m.getHint() != null, "hint");
                }
            }
            System.out.println("prepareThreshold=" + threshold + ": ok");
        }
        System.out.println("jdbc: all checks passed");
    }
}
