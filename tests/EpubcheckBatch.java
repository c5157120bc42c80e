// Checks several EPUBs in one Java process: EPUBCheck's command line takes one book a run,
// and starting the JVM costs more than checking a book. Run by tests/conftest.py as
//   java -cp epubcheck.jar tests/EpubcheckBatch.java OUT_DIR BOOK...
// which writes EPUBCheck's JSON report on the n-th BOOK to OUT_DIR/n.json.
import com.adobe.epubcheck.tool.EpubChecker;

public class EpubcheckBatch {
    public static void main(String[] args) {
        for (int n = 1; n < args.length; n++) {
            String report = args[0] + "/" + n + ".json";
            new EpubChecker().run(new String[] {args[n], "-q", "--json", report});
        }
    }
}
