/* rerun._copy_hash: copy bytes into shared memory and compute their XXH3-64 in the same pass over them.
 *
 * Why native: a frame written into the shared-memory ring must carry the XXH3-64 of its bytes. Copying
 * first and hashing after reads every byte twice; from Python the best chunked version reached 0.6x of
 * a plain memcpy (bench/wire_checksum.py). Here each 16 KiB step is hashed from the source while it sits
 * in L1 and is copied from there; big copies use non-temporal stores, which skip reading the target's
 * cache lines before overwriting them (the consumer is another process that reads the frame from memory
 * anyway), so copy and hash together cost about what a plain memcpy does.
 *
 * The hash itself is libxxhash's (XXH3_64bits_update_dispatch picks SSE2/AVX2/AVX-512 at run time).
 *
 *   CopyHasher(target)   file-like target for pyarrow.PythonFile: write(data) copies data to the next
 *                        position of `target` (a writable buffer) and feeds it to the running XXH3;
 *                        seal() writes the digest (u64 little-endian) right after what was written;
 *                        reset(target) starts over on another buffer (an Arrow writer kept on it
 *                        writes frame after frame into different places).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>
#include <stdint.h>
#define XXH_STATIC_LINKING_ONLY /* XXH3_state_t on the stack */
#include <xxhash.h>
#if defined(__x86_64__) || defined(_M_X64)
/* libxxhash's run-time choice of SSE2 / AVX2 / AVX-512 (Debian builds it into the x86-64 library). */
#include <xxh_x86dispatch.h>
#define HASH_UPDATE XXH3_64bits_update_dispatch
#else
#define HASH_UPDATE XXH3_64bits_update
#endif
#if defined(__SSE2__)
#include <emmintrin.h>
#define HAVE_STREAMING_STORES 1
#endif

/* Hash this much of the source, then copy it, while it is in L1. */
#define STEP_BYTES (16 * 1024)
/* From this size on the copy uses non-temporal stores (smaller frames stay in cache for the reader). */
#define STREAMING_MIN_BYTES (256 * 1024)
/* Release the GIL for copies at least this big (other threads of the logging process keep running). */
#define RELEASE_GIL_MIN_BYTES (64 * 1024)

#ifdef HAVE_STREAMING_STORES
static void stream_copy(unsigned char *dst, const unsigned char *src, size_t n)
{
    size_t head = (16 - ((uintptr_t)dst & 15)) & 15;
    if (head > n)
        head = n;
    memcpy(dst, src, head);
    dst += head;
    src += head;
    n -= head;
    size_t i = 0;
    for (; i + 64 <= n; i += 64) {
        __m128i a = _mm_loadu_si128((const __m128i *)(src + i));
        __m128i b = _mm_loadu_si128((const __m128i *)(src + i + 16));
        __m128i c = _mm_loadu_si128((const __m128i *)(src + i + 32));
        __m128i d = _mm_loadu_si128((const __m128i *)(src + i + 48));
        _mm_stream_si128((__m128i *)(dst + i), a);
        _mm_stream_si128((__m128i *)(dst + i + 16), b);
        _mm_stream_si128((__m128i *)(dst + i + 32), c);
        _mm_stream_si128((__m128i *)(dst + i + 48), d);
    }
    memcpy(dst + i, src + i, n - i);
}
#endif

/* Copy n bytes and feed them to state, STEP_BYTES at a time. */
static void copy_hash_steps(XXH3_state_t *state, unsigned char *dst, const unsigned char *src, size_t n)
{
#ifdef HAVE_STREAMING_STORES
    int streaming = n >= STREAMING_MIN_BYTES;
#endif
    for (size_t offset = 0; offset < n; offset += STEP_BYTES) {
        size_t k = n - offset < STEP_BYTES ? n - offset : STEP_BYTES;
        HASH_UPDATE(state, src + offset, k);
#ifdef HAVE_STREAMING_STORES
        if (streaming) {
            stream_copy(dst + offset, src + offset, k);
            continue;
        }
#endif
        memcpy(dst + offset, src + offset, k);
    }
#ifdef HAVE_STREAMING_STORES
    if (streaming)
        _mm_sfence(); /* the streamed bytes are visible before any later store (the ring's head) */
#endif
}

/* -- CopyHasher ------------------------------------------------------------------------------------ */
typedef struct {
    PyObject_HEAD
    Py_buffer target;
    int has_target;
    Py_ssize_t position;
    XXH3_state_t *state;
} CopyHasher;

static int CopyHasher_start(CopyHasher *self, PyObject *target)
{
    if (self->has_target) {
        PyBuffer_Release(&self->target);
        self->has_target = 0;
    }
    if (PyObject_GetBuffer(target, &self->target, PyBUF_WRITABLE | PyBUF_C_CONTIGUOUS) < 0)
        return -1;
    self->has_target = 1;
    self->position = 0;
    if (self->state == NULL && (self->state = XXH3_createState()) == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    XXH3_64bits_reset(self->state);
    return 0;
}

static int CopyHasher_init(CopyHasher *self, PyObject *args, PyObject *kwargs)
{
    static char *names[] = {"target", NULL};
    PyObject *target;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O:CopyHasher", names, &target))
        return -1;
    return CopyHasher_start(self, target);
}

static PyObject *CopyHasher_reset(CopyHasher *self, PyObject *target)
{
    if (CopyHasher_start(self, target) < 0)
        return NULL;
    Py_RETURN_NONE;
}

static void CopyHasher_dealloc(CopyHasher *self)
{
    if (self->has_target)
        PyBuffer_Release(&self->target);
    if (self->state != NULL)
        XXH3_freeState(self->state);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int require_target(CopyHasher *self)
{
    if (!self->has_target) {
        PyErr_SetString(PyExc_ValueError, "CopyHasher was released");
        return -1;
    }
    return 0;
}

static PyObject *CopyHasher_write(CopyHasher *self, PyObject *data)
{
    if (require_target(self) < 0)
        return NULL;
    Py_buffer source;
    if (PyObject_GetBuffer(data, &source, PyBUF_C_CONTIGUOUS) < 0)
        return NULL;
    Py_ssize_t n = source.len;
    if (n > self->target.len - self->position) {
        PyBuffer_Release(&source);
        return PyErr_Format(PyExc_ValueError, "%zd bytes written at %zd go past the %zd-byte target", n,
                            self->position, self->target.len);
    }
    unsigned char *dst = (unsigned char *)self->target.buf + self->position;
    if (n >= RELEASE_GIL_MIN_BYTES) {
        Py_BEGIN_ALLOW_THREADS
        copy_hash_steps(self->state, dst, source.buf, (size_t)n);
        Py_END_ALLOW_THREADS
    } else {
        copy_hash_steps(self->state, dst, source.buf, (size_t)n);
    }
    self->position += n;
    PyBuffer_Release(&source);
    return PyLong_FromSsize_t(n);
}

static PyObject *CopyHasher_tell(CopyHasher *self, PyObject *unused)
{
    return PyLong_FromSsize_t(self->position);
}

static PyObject *CopyHasher_seal(CopyHasher *self, PyObject *unused)
{
    if (require_target(self) < 0)
        return NULL;
    if (self->target.len - self->position < 8)
        return PyErr_Format(PyExc_ValueError, "no room for the 8-byte digest after %zd of %zd bytes",
                            self->position, self->target.len);
    uint64_t digest = XXH3_64bits_digest(self->state);
    unsigned char *out = (unsigned char *)self->target.buf + self->position;
    for (int i = 0; i < 8; i++)
        out[i] = (unsigned char)(digest >> (8 * i));
    return PyLong_FromUnsignedLongLong(digest);
}

static PyObject *CopyHasher_release(CopyHasher *self, PyObject *unused)
{
    if (self->has_target) {
        PyBuffer_Release(&self->target);
        self->has_target = 0;
    }
    Py_RETURN_NONE;
}

static PyObject *CopyHasher_flush(CopyHasher *self, PyObject *unused)
{
    Py_RETURN_NONE;
}

static PyObject *CopyHasher_writable(CopyHasher *self, PyObject *unused)
{
    Py_RETURN_TRUE;
}

static PyObject *CopyHasher_closed(CopyHasher *self, void *unused)
{
    return PyBool_FromLong(!self->has_target);
}

static PyMethodDef CopyHasher_methods[] = {
    {"write", (PyCFunction)CopyHasher_write, METH_O, "Copy data to the next position and hash it; return its length."},
    {"reset", (PyCFunction)CopyHasher_reset, METH_O,
     "Start over on a new target buffer: position 0, an empty hash (as a new CopyHasher(target))."},
    {"tell", (PyCFunction)CopyHasher_tell, METH_NOARGS, "Bytes written so far."},
    {"seal", (PyCFunction)CopyHasher_seal, METH_NOARGS,
     "Write the XXH3-64 of everything written (u64 LE) right after it; return the digest."},
    {"release", (PyCFunction)CopyHasher_release, METH_NOARGS, "Let go of the target buffer."},
    {"flush", (PyCFunction)CopyHasher_flush, METH_NOARGS, "Nothing to flush (file protocol)."},
    {"writable", (PyCFunction)CopyHasher_writable, METH_NOARGS, "True (file protocol)."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef CopyHasher_getset[] = {
    {"closed", (getter)CopyHasher_closed, NULL, "True once released (file protocol).", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyTypeObject CopyHasherType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "rerun._copy_hash.CopyHasher",
    .tp_basicsize = sizeof(CopyHasher),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Copies what is written into a target buffer and keeps the XXH3-64 of it.",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)CopyHasher_init,
    .tp_dealloc = (destructor)CopyHasher_dealloc,
    .tp_methods = CopyHasher_methods,
    .tp_getset = CopyHasher_getset,
};

static PyMethodDef module_methods[] = {
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "rerun._copy_hash",
    "Copy bytes into shared memory and compute their XXH3-64 in the same pass.", -1, module_methods,
};

PyMODINIT_FUNC PyInit__copy_hash(void)
{
    if (PyType_Ready(&CopyHasherType) < 0)
        return NULL;
    PyObject *module = PyModule_Create(&module_def);
    if (module == NULL)
        return NULL;
    Py_INCREF(&CopyHasherType);
    if (PyModule_AddObject(module, "CopyHasher", (PyObject *)&CopyHasherType) < 0) {
        Py_DECREF(&CopyHasherType);
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
