// libxml2's parsers and XPath, for `expect.xpath` (the library Foundation's XMLDocument wraps;
// its headers come with the Swift toolchain's prerequisite libxml2-dev).
#include <libxml/xmlversion.h>
// Debian's libxml2 is built with ICU, whose headers clash with Foundation's own copy of ICU.
// Only the encoding handler's layout depends on it, and nothing here reads that struct.
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/HTMLparser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <libxml/xmlerror.h>

// libxml2 prints some errors (XPath evaluation: "function x not found") through its generic
// handler, which is variadic and so can't be written in Swift: this one drops them. Per thread,
// as libxml2 keeps its handlers.
static void canary_xml_drop_error(void *context, const char *message, ...) {
    (void)context;
    (void)message;
}

static inline void canary_xml_silence_generic_errors(void) {
    xmlSetGenericErrorFunc(NULL, canary_xml_drop_error);
}
