// ISA-L's igzip: gzip inflate at 3-4x zlib's speed, for reading recordings (the replay's floor).
#include <isa-l/igzip_lib.h>
