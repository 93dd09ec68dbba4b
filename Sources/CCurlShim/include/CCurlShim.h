// Typed, non-variadic wrappers for libcurl's variadic calls, which Swift cannot call.
// Each wrapper passes exactly the C type libcurl reads with va_arg for that option:
// a mismatch (say int for curl_off_t) is undefined behaviour Swift cannot catch.
#ifndef CCURLSHIM_H
#define CCURLSHIM_H

#include <curl/curl.h>

// curl_easy_setopt
CURLcode ccurl_easy_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode ccurl_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value);
CURLcode ccurl_easy_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode ccurl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode ccurl_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value);
CURLcode ccurl_easy_setopt_share(CURL *handle, CURLSH *share);
/// For CURLOPT_WRITEFUNCTION and CURLOPT_HEADERFUNCTION, which share one signature.
CURLcode ccurl_easy_setopt_write_function(CURL *handle, CURLoption option, curl_write_callback callback);
CURLcode ccurl_easy_setopt_debug_function(CURL *handle, curl_debug_callback callback);
CURLcode ccurl_easy_setopt_opensocket_function(CURL *handle, curl_opensocket_callback callback);

// curl_easy_getinfo
CURLcode ccurl_easy_getinfo_long(CURL *handle, CURLINFO info, long *out);
CURLcode ccurl_easy_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *out);
CURLcode ccurl_easy_getinfo_string(CURL *handle, CURLINFO info, char **out);
CURLcode ccurl_easy_getinfo_private(CURL *handle, void **out);
CURLcode ccurl_easy_getinfo_certinfo(CURL *handle, struct curl_certinfo **out);
/// CURLINFO_COOKIELIST: a list the caller frees with curl_slist_free_all.
CURLcode ccurl_easy_getinfo_slist(CURL *handle, CURLINFO info, struct curl_slist **out);

// curl_multi_setopt
CURLMcode ccurl_multi_setopt_long(CURLM *multi, CURLMoption option, long value);

// curl_share_setopt
/// CURLSHOPT_SHARE / CURLSHOPT_UNSHARE take a curl_lock_data promoted to int.
CURLSHcode ccurl_share_setopt_lock_data(CURLSH *share, CURLSHoption option, curl_lock_data data);

#endif
