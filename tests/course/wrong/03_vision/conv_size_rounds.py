# notebook: vision.ipynb
# cell: conv_output_size
# loses: test_conv_output_size, test_conv_output_size_values
# why: rounds the division to the nearest integer instead of flooring it
def conv_output_size(size, kernel_size, stride=1, padding=0):
    return round((size + 2 * padding - kernel_size) / stride) + 1
