"""Maps the source folders to their import names and finds every subpackage in them.

The folder names (sdk/, app/, scene/, kernels/) differ from the import names, so the package list is
derived here rather than written by hand: a new subpackage can never be left out of the wheel.
"""
from setuptools import Extension, find_packages, setup

FOLDER_OF_PACKAGE = {
    "rerun": "sdk",
    "rerun_app": "app",
    "rerun_scene": "scene",
    "rerun_kernels": "kernels",
    "rerun_demo": "demo",  # Rerun 0.4.0 shipped rerun_demo beside rerun
}

packages = []
for package, folder in FOLDER_OF_PACKAGE.items():
    packages.append(package)
    packages.extend(f"{package}.{sub}" for sub in find_packages(folder))

# Optional: without a C compiler or libxxhash (Debian: libxxhash-dev) the SDK copies and hashes frames in
# Python instead (rerun.transport.frame_copy picks whichever is there).
copy_hash = Extension(
    "rerun._copy_hash",
    sources=["sdk/native/copy_hash.c"],
    libraries=["xxhash"],
    extra_compile_args=["-O3"],
    optional=True,
)

setup(
    ext_modules=[copy_hash],
    packages=packages,
    package_dir=FOLDER_OF_PACKAGE,
    package_data={"": ["*.npy", "*.json", "*.ttf", "*.html", "*.js", "*.css", "*.glsl", "py.typed"],
                  "rerun_app.web": ["static/*.html", "static/*.js"]},
)
