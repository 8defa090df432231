// zlib for gunzip in the replay readers (Foundation on Linux cannot inflate gzip).
#include <zlib.h>
